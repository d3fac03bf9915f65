// Builds the server as plain JavaScript, one file: build/zorgbeeld-server.js, with the database
// migrations beside it (`npm run build` runs this after the web build, which empties build/).
// `npm start` runs that file: no TypeScript is compiled while a board is in use, and none of the
// helpers tsx adds to every function is on the path of an update (docs/architecture.md, "Per-update
// work"). Packages stay in node_modules; only our own modules (server/ and shared/) are bundled.
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '..');

await build({
  entryPoints: [join(ROOT, 'server/index.ts')],
  outfile: join(ROOT, 'build/zorgbeeld-server.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
// migrate.ts reads them from the directory of the running module.
cpSync(join(ROOT, 'server/store/migrations'), join(ROOT, 'build/migrations'), { recursive: true });
