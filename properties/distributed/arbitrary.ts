/** fast-check arbitraries for distributed histories. */
import fc from 'fast-check';
import { commandArbitrary } from '../history/arbitrary.ts';
import type { ClientCommand, DistributedHistory, Fault, FaultRates, TimedFault } from './history.ts';
import type { FaultKind } from '../adapter.ts';

export interface DistributedOptions {
  readonly nodeCountMin?: number;
  readonly nodeCountMax?: number;
  readonly clientCountMax?: number;
  readonly commandsPerClientMax?: number;
  readonly faultCountMax?: number;
  /** Fault kinds to draw; the others stay off. */
  readonly faults?: ReadonlySet<FaultKind>;
  /** Largest time of a scheduled fault, in simulated milliseconds. */
  readonly horizonMs?: number;
}

const ALL: ReadonlySet<FaultKind> = new Set(['crash', 'partition', 'drop', 'duplicate', 'delay', 'disk']);

const ratesArbitrary = (faults: ReadonlySet<FaultKind>): fc.Arbitrary<FaultRates> =>
  fc.record({
    dropRate: faults.has('drop') ? fc.constantFrom(0, 0, 0.02, 0.1, 0.3) : fc.constant(0),
    duplicateRate: faults.has('duplicate') ? fc.constantFrom(0, 0, 0.05, 0.2) : fc.constant(0),
    delayMsMax: faults.has('delay') ? fc.constantFrom(2, 10, 50) : fc.constant(2),
  });

const faultArbitrary = (nodeCount: number, clientCount: number, faults: ReadonlySet<FaultKind>): fc.Arbitrary<Fault> => {
  const node = fc.nat({ max: nodeCount - 1 });
  const choices: Array<fc.Arbitrary<Fault>> = [];
  if (faults.has('crash')) {
    choices.push(
      fc.record({ kind: fc.constant('crash' as const), node, torn: faults.has('disk') ? fc.boolean() : fc.constant(false) }),
      fc.record({ kind: fc.constant('restart' as const), node }),
    );
  }
  if (faults.has('partition')) {
    choices.push(
      fc.record({ kind: fc.constant('partition' as const), client: fc.nat({ max: clientCount - 1 }), node, oneWay: fc.boolean() }),
      fc.constant({ kind: 'heal' as const }),
    );
  }
  return choices.length === 0 ? fc.constant({ kind: 'heal' as const }) : fc.oneof(...choices);
};

/** The commands of one client: remote and offline operations and forgeries, never crashes. */
export const clientStreamArbitrary = (nodeCount: number, commandsMax: number): fc.Arbitrary<ReadonlyArray<ClientCommand>> =>
  fc.array(
    commandArbitrary(nodeCount, {
      weights: {
        create: 3,
        attenuate: 3,
        derive: 6,
        revoke: 3,
        read: 6,
        write: 5,
        'forge-capability': 1,
        'forge-revoker': 1,
        // Crashes come from the fault schedule, not from the clients.
        crash: 0,
        restart: 0,
      },
      newestPercent: 40,
      keepAllPercent: 50,
    }) as fc.Arbitrary<ClientCommand>,
    { minLength: 1, maxLength: commandsMax, size: 'max' },
  );

/** The parts of a history that depend only on the cluster's size. */
interface SizedParts {
  readonly streams: fc.Arbitrary<ReadonlyArray<ReadonlyArray<ClientCommand>>>;
  readonly faults: fc.Arbitrary<ReadonlyArray<TimedFault>>;
  readonly rates: fc.Arbitrary<FaultRates>;
}

export const distributedHistoryArbitrary = (options: DistributedOptions = {}): fc.Arbitrary<DistributedHistory> => {
  const faults = options.faults ?? ALL;
  const horizonMs = options.horizonMs ?? 600;

  // Arbitraries hold no state, so the parts for one cluster size are built once per campaign
  // rather than for every history, and generate the same values either way.
  const partsBySize = new Map<string, SizedParts>();
  const partsFor = (nodeCount: number, clientCount: number): SizedParts => {
    const key = `${nodeCount} ${clientCount}`;
    const known = partsBySize.get(key);
    if (known !== undefined) {
      return known;
    }
    const stream = clientStreamArbitrary(nodeCount, options.commandsPerClientMax ?? 25);
    const timed: fc.Arbitrary<TimedFault> = fc.record({
      atMs: fc.integer({ min: 0, max: horizonMs }),
      fault: faultArbitrary(nodeCount, clientCount, faults),
    });
    const parts: SizedParts = {
      streams: fc.array(stream, { minLength: clientCount, maxLength: clientCount }),
      faults: fc
        .array(timed, { maxLength: options.faultCountMax ?? 8, size: 'max' })
        .map((list) => [...list].sort((a, b) => a.atMs - b.atMs)),
      rates: ratesArbitrary(faults),
    };
    partsBySize.set(key, parts);
    return parts;
  };

  return fc
    .record({
      nodeCount: fc.integer({ min: options.nodeCountMin ?? 1, max: options.nodeCountMax ?? 4 }),
      clientCount: fc.integer({ min: 1, max: options.clientCountMax ?? 3 }),
      seed: fc.integer(),
    })
    .chain(({ nodeCount, clientCount, seed }) => {
      const parts = partsFor(nodeCount, clientCount);
      return fc.record({
        nodeCount: fc.constant(nodeCount),
        clientCount: fc.constant(clientCount),
        seed: fc.constant(seed),
        streams: parts.streams,
        faults: parts.faults,
        rates: parts.rates,
      });
    });
};
