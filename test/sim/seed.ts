/**
 * Seed of the property tests in this folder: SHARDCAP_SEED when set, else a fixed value, so that a
 * failing run can be repeated exactly. fast-check prints the seed and path of any failure.
 */
const DEFAULT_TEST_SEED = 20250601;

const parseSeed = (text: string | undefined): number => {
  if (text === undefined || text === '') {
    return DEFAULT_TEST_SEED;
  }

  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`invalid SHARDCAP_SEED ${JSON.stringify(text)}: use an integer`);
  }
  return seed;
};

export const testSeed: number = parseSeed(process.env['SHARDCAP_SEED']);

/** Options for `fc.assert`: the test seed and a run count. */
export const propertyOptions = (numRuns = 100): { seed: number; numRuns: number } => ({ seed: testSeed, numRuns });
