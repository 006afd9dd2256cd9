import { defineConfig } from 'vitest/config';

// The suites that exercise the implementation's core. The fuzzing campaigns against the mutants
// cover the same code through the simulator but take seconds per run, so they are left out.
export default defineConfig({
  test: {
    include: ['test/impl/**/*.test.ts', 'test/log/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
