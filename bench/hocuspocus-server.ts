// The second peer of the propagation benchmark: Hocuspocus 3.4 as teams run it in production,
// with an authentication hook and a persistence extension (each document's state in a file,
// written on Hocuspocus' debounced store). Started in its own process by bench/servers.ts.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server } from '@hocuspocus/server';
import * as Y from 'yjs';

const dir = mkdtempSync(join(tmpdir(), 'hocuspocus-bench-'));
const file = (name: string) => join(dir, `${encodeURIComponent(name)}.bin`);
const TOKEN = process.env.BENCH_TOKEN ?? 'bench-token';

const server = new Server({
  port: Number(process.env.PORT),
  address: '127.0.0.1',
  quiet: true,
  async onAuthenticate({ token }) {
    if (token !== TOKEN) throw new Error('not allowed');
    return { user: 'bench' };
  },
  extensions: [
    {
      async onLoadDocument({ document, documentName }) {
        if (existsSync(file(documentName))) Y.applyUpdate(document, readFileSync(file(documentName)));
        return document;
      },
      async onStoreDocument({ document, documentName }) {
        writeFileSync(file(documentName), Y.encodeStateAsUpdate(document));
      },
    },
  ],
});
await server.listen();
console.log(`hocuspocus listening on ${process.env.PORT}`);
