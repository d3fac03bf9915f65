import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A mail as the SMTP peer received it: the envelope and the parsed message. */
export interface ReceivedMail {
  from: string;
  to: string[];
  mail: ParsedMail;
}

/**
 * A real SMTP server (smtp-server) on port 0 in the test process: it speaks the whole SMTP
 * conversation and parses each mail with mailparser (unless `parse` is off). `delayMs` holds each DATA answer back, to
 * keep sends in flight; `down()` refuses every mail with a 451 after it.
 */
export async function startSmtpPeer({ delayMs = 0, parse = true }: { delayMs?: number; parse?: boolean } = {}) {
  const mails: ReceivedMail[] = [];
  /** Every accepted mail's envelope, also when `parse` is off (the benchmark: the peer must cost nothing). */
  const accepted: { to: string[]; bytes: number }[] = [];
  let refusing = false;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const to = session.envelope.rcptTo.map((r) => r.address);
      const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      if (!parse) {
        let bytes = 0;
        stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
        stream.on('end', () => {
          accepted.push({ to, bytes });
          callback();
        });
        return;
      }
      simpleParser(stream)
        .then((mail) => {
          if (refusing) {
            callback(Object.assign(new Error('Mailbox temporarily unavailable'), { responseCode: 451 }));
            return;
          }
          const accept = () => {
            mails.push({ from, to, mail });
            accepted.push({ to, bytes: 0 });
            callback();
          };
          if (delayMs > 0) setTimeout(accept, delayMs);
          else accept();
        })
        .catch((error: Error) => callback(error));
    },
  });
  // A client killed mid-conversation resets its connection: that is what the crash tests do.
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') throw error;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    accepted,
    refuse() {
      refusing = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
