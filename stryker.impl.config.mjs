// Mutation testing of the reference implementation's core: tokens, wire codecs, the owner's
// guard, shard, execution and recovery, the record log and the client. Shares every other
// setting with the model's configuration.
import modelConfig from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...modelConfig,
  mutate: ['impl/token/**/*.ts', 'impl/wire/**/*.ts', 'impl/owner/**/*.ts', 'impl/log/**/*.ts', 'impl/client/**/*.ts'],
  vitest: { configFile: 'vitest.impl-mutation.config.ts' },
  htmlReporter: { fileName: 'reports/mutation-impl/index.html' },
  jsonReporter: { fileName: 'reports/mutation-impl/mutation.json' },
  incrementalFile: 'reports/stryker-impl-incremental.json',
  thresholds: { high: 90, low: 85, break: 85 },
  timeoutMS: 30000,
};
