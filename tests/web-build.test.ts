import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RequestHandler } from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './helpers/server';

/** What a request got: the status and the whole body, or the error that cut it off. */
async function fetchWhole(url: string, headers: Record<string, string> = {}): Promise<{ status: number; length: number } | Error> {
  try {
    const response = await fetch(url, { headers });
    return { status: response.status, length: (await response.arrayBuffer()).byteLength };
  } catch (error) {
    return error as Error;
  }
}

describe('the web build served by the real server', () => {
  let copy = '';
  let server: TestServer | undefined;
  afterAll(async () => {
    await server?.close();
    if (copy) await rm(copy, { recursive: true, force: true });
  });

  it('a script removed from the build under the running server fails its request, not the server', async () => {
    // A copy of `npm run build`'s output, so that files can go from under the handler as they
    // do when a new build is written over a running server's.
    copy = await mkdtemp(join(tmpdir(), 'zorgbeeld-build-'));
    await cp('build', copy, { recursive: true });
    const { handler } = (await import(pathToFileURL(join(copy, 'handler.js')).href)) as { handler: RequestHandler };
    server = await startServer({ seed: false, web: handler });
    const dir = join(copy, 'client/_app/immutable/entry');
    const files = await readdir(dir);
    const script = files.find((f) => f.endsWith('.js'))!;
    const url = `${server.url}/_app/immutable/entry/${script}`;
    expect(await fetchWhole(url)).toMatchObject({ status: 200 });

    // The script and its compressed forms are gone; the handler still lists them.
    for (const file of files.filter((f) => f.startsWith(script))) await rm(join(dir, file));
    for (const encoding of ['br', 'gzip', 'identity']) {
      const answer = await fetchWhole(url, { 'accept-encoding': encoding });
      // Either refused or cut off: never a whole answer that pretends to be the script.
      if (!(answer instanceof Error)) expect(answer.status, encoding).not.toBe(200);
    }
    expect(server.logs.filter((line) => line.includes(`could not be sent`) && line.includes(script)).length).toBeGreaterThan(0);
    expect(server.logs.join('\n')).toContain('restart it');

    // The server goes on: the API answers and the other files of the build are still sent.
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    const other = files.find((f) => f.endsWith('.js') && !f.startsWith(script));
    if (other) expect(await fetchWhole(`${server.url}/_app/immutable/entry/${other}`)).toMatchObject({ status: 200 });
    expect(await fetchWhole(`${server.url}/login`)).toMatchObject({ status: 200 });
  });
});
