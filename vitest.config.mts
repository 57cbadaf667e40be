import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Two cores on the CI machine, and many tests bring their own processes (Chromium, the
    // simulator, CLI children killed and resumed, a fast shared clock): one test file at a time
    // keeps their timing honest. The whole suite still runs in a few minutes.
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // electron is the one module we mock; tests that need it call vi.mock('electron').
  },
});
