import { defineConfig } from 'vitest/config';

// The suites that exercise the code Stryker mutates; the simulator and network suites add time
// and kill no mutant of it.
export default defineConfig({
  test: {
    include: ['test/model/**/*.test.ts', 'test/properties/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
