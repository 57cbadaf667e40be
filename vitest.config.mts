import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Two cores on the CI machine; real sockets, real files and a real browser in the
    // tests, so run files in a few forks rather than many threads.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // electron is the one module we mock; tests that need it call vi.mock('electron').
  },
});
