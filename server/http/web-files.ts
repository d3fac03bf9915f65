import type { RequestHandler } from 'express';
import type { Readable } from 'node:stream';

/**
 * The web build's handler (adapter-node, through sirv) lists the build's files when it starts
 * and sends each by piping a read stream that has no `error` listener. A file removed since (a
 * new build written over the running server's) made that stream's error an uncaught exception:
 * one request for a page's script ended the process, and every open board with it. A stream
 * piped into a response now fails that response alone, and the log says why.
 */
export function guardPipedFiles(log: (line: string) => void): RequestHandler {
  return (req, res, next) => {
    res.on('pipe', (source: Readable) => {
      source.once('error', (error: NodeJS.ErrnoException) => {
        const hint = error.code === 'ENOENT' ? ' (the web build was changed under the running server: restart it)' : '';
        log(`web: ${req.method} ${req.path} could not be sent: ${error.message}${hint}`);
        // The status and length are written already: nothing true is left to answer but a cut.
        res.destroy();
      });
    });
    next();
  };
}
