import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    // In `vite dev`, the API and websockets come from `npm run serve` on port 3000.
    proxy: { '/api': 'http://localhost:3000', '/yjs': { target: 'ws://localhost:3000', ws: true }, '/socket.io': { target: 'ws://localhost:3000', ws: true } },
  },
  test: {
    // A browser test of several pages takes 15–25 s with three files at once on two cores.
    testTimeout: 60000,
    hookTimeout: 60000,
    // A page on a busy machine (CI runs two browser suites at once) can take longer than the
    // default second to show what a poll waits for; a poll that will fail still fails.
    expect: { poll: { timeout: 10000 } },
    // Three files at once on two cores: with two, the suite kept the cores only about half busy
    // (the browser suites wait on pages, sockets and timers more than they compute), and took ten
    // minutes on a slow machine. A file's modules are loaded once per worker, not once per file
    // (`isolate: false`): the tests keep no state in modules between files, and the server under
    // test runs in processes or instances of its own. Measured on 2 × AMD EPYC (12-07): 623 s with
    // two isolated workers, 478 s with this and the browser tests' sign-in by request.
    maxWorkers: 3,
    isolate: false,
    projects: [
      { extends: true, test: { name: 'embedded', include: ['tests/**/*.test.ts', 'shared/**/*.test.ts'] } },
      // The suites of the gate, the recorder, alerting, reach and review once more with the
      // server's store in PostgreSQL: a database of its own per test server, dropped after it
      // (tests/helpers/test-store.ts). Suites that read the embedded store's files stay embedded only.
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['board-gate', 'recorder', 'alerts', 'answer-report', 'escalation', 'reach', 'review', 'access', 'session', 'registry', 'introduction', 'network', 'password-reset'].map((suite) => `tests/${suite}.test.ts`),
          env: { ZORGBEELD_TEST_STORE: 'postgres' },
        },
      },
    ],
  },
});
