import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gsm7Length, toGsm7 } from '../../shared/reach';

/** One SMS as CM.com's gateway took it. */
export interface ReceivedSms {
  from: string;
  to: string;
  content: string;
  reference: string;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/**
 * Stands in for CM.com's Business Messaging gateway (developers.cm.com/messaging): it checks
 * every request against the documented format — POST, JSON, the product token in
 * `X-CM-PRODUCTTOKEN`, `messages.msg[]` with `from` (≤ 11 characters or ≤ 16 digits), `to[].number`
 * in 00-international form, `body.type`/`body.content`, a reference of 1–32 letters and digits —
 * and answers as CM does. A request that breaks the format is answered 400 and counted in
 * `violations`, so a test can assert there were none. `status()` posts CM's JSON status report.
 */
export async function startSmsPeer({ token }: { token: string }) {
  const messages: ReceivedSms[] = [];
  const violations: string[] = [];
  let requests = 0;
  let down = false;
  const server: Server = createServer((req, res) => {
    void (async () => {
      requests += 1;
      // A sender killed mid-request resets the connection: nothing to answer then.
      const body = await readBody(req).catch(() => null);
      if (body === null) return;
      const fail = (why: string) => {
        violations.push(why);
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ details: why, errorCode: 999, messages: [] }));
      };
      if (down) {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
        return;
      }
      if (req.method !== 'POST') return fail(`method ${req.method}`);
      if (!String(req.headers['content-type']).startsWith('application/json')) return fail(`content-type ${req.headers['content-type']}`);
      if (req.headers['x-cm-producttoken'] !== token) {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ details: 'No account found for the given authentication', errorCode: 101, messages: [] }));
        violations.push('token');
        return;
      }
      let parsed: { messages?: { msg?: unknown } };
      try {
        parsed = JSON.parse(body) as typeof parsed;
      } catch {
        return fail('body is not JSON');
      }
      const msg = parsed.messages?.msg;
      if (!Array.isArray(msg) || msg.length === 0 || msg.length > 1000) return fail('messages.msg must be a list of 1 to 1000');
      const answers: object[] = [];
      for (const m of msg as { from?: unknown; to?: { number?: unknown }[]; body?: { type?: unknown; content?: unknown }; reference?: unknown }[]) {
        if (typeof m.from !== 'string' || !(/^[A-Za-z0-9 ]{1,11}$/.test(m.from) || /^\d{1,16}$/.test(m.from))) return fail(`from ${String(m.from)}`);
        if (!Array.isArray(m.to) || m.to.length !== 1 || typeof m.to[0].number !== 'string' || !/^00[1-9]\d{6,14}$/.test(m.to[0].number)) return fail(`to ${JSON.stringify(m.to)}`);
        if (m.body?.type !== 'auto' || typeof m.body.content !== 'string') return fail('body');
        const content = m.body.content;
        // One part: only GSM 03.38 characters, at most 160 septets.
        if (toGsm7(content) !== content) return fail(`not GSM-7: ${content}`);
        if (gsm7Length(content) > 160) return fail(`longer than 160: ${content.length}`);
        if (typeof m.reference !== 'string' || !/^[A-Za-z0-9]{1,32}$/.test(m.reference)) return fail(`reference ${String(m.reference)}`);
        messages.push({ from: m.from, to: m.to[0].number, content, reference: m.reference });
        answers.push({ to: m.to[0].number, status: 'Accepted', reference: m.reference, parts: 1, messageDetails: null, messageErrorCode: 0 });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ details: `Created ${answers.length} message(s)`, errorCode: 0, messages: answers }));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1.0/message`;
  return {
    url,
    messages,
    violations,
    get requests() {
      return requests;
    },
    setDown(value: boolean) {
      down = value;
    },
    /** Posts CM.com's JSON status report for one message (0 accepted, 1 rejected, 2 delivered, 3 failed). */
    async status(statusUrl: string, sms: ReceivedSms, code: 0 | 1 | 2 | 3, errorDescription = '') {
      const report = { messages: { msg: { received: new Date().toISOString(), to: sms.to, reference: sms.reference, status: { code: String(code), errorCode: code === 3 ? '8' : '', errorDescription }, operator: '20416' } } };
      return fetch(statusUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(report) });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
