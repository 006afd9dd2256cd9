/** fast-check arbitraries for model histories. */
import fc from 'fast-check';
import { ALL_RIGHTS, rightsOf, type Rights } from '../../model/index.ts';
import type { Command, ForgeMutation, History } from './command.ts';

export interface HistoryOptions {
  readonly nodeCountMin?: number;
  readonly nodeCountMax?: number;
  readonly commandCountMax?: number;
  /** Relative weight of crash and restart commands against the rest. */
  readonly faultWeight?: number;
}

export const rightsArbitrary: fc.Arbitrary<Rights> = fc
  .subarray([...ALL_RIGHTS], { minLength: 0 })
  .map((list) => rightsOf(...list));

/** Mostly short values; now and then one just over the value length limit. */
const valueArbitrary = fc.oneof(
  { weight: 20, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(1024), 'x'.repeat(1025)) },
);


const mutationArbitrary: fc.Arbitrary<ForgeMutation> = fc.constantFrom(
  'amplify-rights',
  'bump-version',
  'other-slot',
  'unknown-object',
  'unknown-node',
);

/**
 * The mix of commands in one history. Every history draws its own profile ("swarm testing"), so
 * some histories are almost all derivations, others almost all faults, and outcomes that need a
 * long run of one kind, such as a chain at the depth limit, still show up.
 */
export interface Profile {
  /** Relative weight of each command kind. */
  readonly weights: Readonly<Record<Command['kind'], number>>;
  /** Percentage of pool picks that take the newest entry, which makes chains grow deep. */
  readonly newestPercent: number;
  /** Percentage of attenuations and derivations that ask for every right, so that the result can be narrowed again. */
  readonly keepAllPercent: number;
}

type CommandWeights = Profile['weights'];

const DEFAULT_WEIGHTS: CommandWeights = {
  create: 4,
  attenuate: 4,
  derive: 8,
  revoke: 4,
  read: 5,
  write: 4,
  'forge-capability': 2,
  'forge-revoker': 1,
  crash: 2,
  restart: 2,
};

/** Mostly derivations of the newest capability with every right: reaches the depth limit. With
 * attenuation in place of derivation, it reaches the caveat limit. */
const CHAIN_WEIGHTS: CommandWeights = {
  create: 1,
  attenuate: 1,
  derive: 24,
  revoke: 2,
  read: 2,
  write: 1,
  'forge-capability': 1,
  'forge-revoker': 0,
  crash: 1,
  restart: 1,
};

const profileArbitrary = (faultWeight: number): fc.Arbitrary<Profile> =>
  fc.oneof(
    fc.constant({
      weights: { ...DEFAULT_WEIGHTS, crash: faultWeight, restart: faultWeight },
      newestPercent: 50,
      keepAllPercent: 50,
    }),
    fc.constant({ weights: CHAIN_WEIGHTS, newestPercent: 95, keepAllPercent: 90 }),
    fc.constant({ weights: { ...CHAIN_WEIGHTS, derive: 2, attenuate: 24 }, newestPercent: 95, keepAllPercent: 90 }),
    fc.record({
      newestPercent: fc.integer({ min: 0, max: 100 }),
      keepAllPercent: fc.integer({ min: 0, max: 100 }),
      weights: fc.record({
      create: fc.integer({ min: 1, max: 8 }),
      attenuate: fc.nat({ max: 8 }),
      derive: fc.nat({ max: 16 }),
      revoke: fc.nat({ max: 8 }),
      read: fc.nat({ max: 8 }),
      write: fc.nat({ max: 8 }),
      'forge-capability': fc.nat({ max: 4 }),
      'forge-revoker': fc.nat({ max: 2 }),
      crash: fc.nat({ max: faultWeight * 2 }),
      restart: fc.nat({ max: faultWeight * 2 }),
      }),
    }),
  );

/** An index into a pool, taken modulo its size; -1 picks the newest entry. */
const poolIndexArbitrary = (newestPercent: number): fc.Arbitrary<number> =>
  fc.oneof(
    ...[
      { weight: newestPercent, arbitrary: fc.constant(-1) },
      { weight: 100 - newestPercent, arbitrary: fc.nat({ max: 63 }) },
    ].filter((choice) => choice.weight > 0),
  );

const deriveRightsArbitrary = (keepAllPercent: number): fc.Arbitrary<Rights> =>
  fc.oneof(
    ...[
      { weight: keepAllPercent, arbitrary: fc.constant(rightsOf(...ALL_RIGHTS)) },
      { weight: 100 - keepAllPercent, arbitrary: rightsArbitrary },
    ].filter((choice) => choice.weight > 0),
  );

export const commandArbitrary = (nodeCount: number, profile: Profile): fc.Arbitrary<Command> => {
  const node = fc.nat({ max: nodeCount - 1 });
  const weights = profile.weights;
  const poolIndex = poolIndexArbitrary(profile.newestPercent);
  const deriveRights = deriveRightsArbitrary(profile.keepAllPercent);
  const choices: ReadonlyArray<fc.WeightedArbitrary<Command>> = [
    { weight: weights.create, arbitrary: fc.record({ kind: fc.constant('create' as const), node, value: valueArbitrary }) },
    {
      weight: weights.attenuate,
      arbitrary: fc.record({ kind: fc.constant('attenuate' as const), cap: poolIndex, rights: deriveRights }),
    },
    {
      weight: weights.derive,
      arbitrary: fc.record({ kind: fc.constant('derive' as const), cap: poolIndex, rights: deriveRights }),
    },
    { weight: weights.revoke, arbitrary: fc.record({ kind: fc.constant('revoke' as const), revoker: poolIndex }) },
    { weight: weights.read, arbitrary: fc.record({ kind: fc.constant('read' as const), cap: poolIndex }) },
    {
      weight: weights.write,
      arbitrary: fc.record({ kind: fc.constant('write' as const), cap: poolIndex, value: valueArbitrary }),
    },
    {
      weight: weights['forge-capability'],
      arbitrary: fc.record({ kind: fc.constant('forge-capability' as const), cap: poolIndex, mutation: mutationArbitrary }),
    },
    {
      weight: weights['forge-revoker'],
      arbitrary: fc.record({ kind: fc.constant('forge-revoker' as const), revoker: poolIndex }),
    },
    { weight: weights.crash, arbitrary: fc.record({ kind: fc.constant('crash' as const), node }) },
    { weight: weights.restart, arbitrary: fc.record({ kind: fc.constant('restart' as const), node }) },
  ];
  return fc.oneof(...choices.filter((choice) => choice.weight > 0));
};

export const historyArbitrary = (options: HistoryOptions = {}): fc.Arbitrary<History> => {
  const nodeCountMin = options.nodeCountMin ?? 1;
  const nodeCountMax = options.nodeCountMax ?? 4;
  const commandCountMax = options.commandCountMax ?? 80;
  const faultWeight = options.faultWeight ?? 2;
  return fc
    .tuple(fc.integer({ min: nodeCountMin, max: nodeCountMax }), profileArbitrary(faultWeight))
    .chain(([nodeCount, profile]) =>
      fc.record({
        nodeCount: fc.constant(nodeCount),
        commands: fc.array(commandArbitrary(nodeCount, profile), {
          minLength: 1,
          maxLength: commandCountMax,
          size: 'max',
        }),
      }),
    );
};
