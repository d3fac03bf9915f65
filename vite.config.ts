import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    // In `vite dev`, the API and websockets come from `npm run serve` on port 3000.
    proxy: { '/api': 'http://localhost:3000', '/yjs': { target: 'ws://localhost:3000', ws: true }, '/socket.io': { target: 'ws://localhost:3000', ws: true } },
  },
  test: {
    include: ['tests/**/*.test.ts', 'shared/**/*.test.ts'],
    testTimeout: 30000,
    hookTimeout: 60000,
    // Browser tests start Chromium; two at once is all two cores take.
    maxWorkers: 2,
  },
});
