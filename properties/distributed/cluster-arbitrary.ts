/**
 * Histories for a real local cluster: every node of the cluster in every history, and faults in
 * episodes that each end by themselves. A `kill -9` is followed by a restart, a pause (SIGSTOP)
 * by a resume (SIGCONT), so that no history leaves a node down for its whole length and waits
 * out every deadline. Fault times are real milliseconds after the start of the history.
 */
import fc from 'fast-check';
import type { FaultKind } from '../adapter.ts';
import { clientStreamArbitrary } from './arbitrary.ts';
import type { DistributedHistory, TimedFault } from './history.ts';

export interface ClusterHistoryOptions {
  /** Nodes of the cluster; every history uses all of them. */
  readonly nodeCount: number;
  readonly clientCountMax: number;
  readonly commandsPerClientMax: number;
  /** Fault kinds to inject, out of crash, pause and disconnect. */
  readonly faults: ReadonlySet<FaultKind>;
  /** Most fault episodes in one history. */
  readonly episodesMax: number;
  /** Latest start of an episode, in milliseconds after the start of the history. */
  readonly horizonMs: number;
  /** Maximum time a node stays killed or paused in one episode, in milliseconds. */
  readonly outageMsMax: number;
}

type EpisodeKind = 'crash' | 'pause' | 'disconnect';

interface Episode {
  readonly kind: EpisodeKind;
  readonly node: number;
  readonly client: number;
  readonly atMs: number;
  readonly outageMs: number;
}

/** Returns the one or two timed faults of an episode. */
const faultsOf = (episode: Episode): TimedFault[] => {
  const end = episode.atMs + episode.outageMs;
  switch (episode.kind) {
    case 'crash':
      return [
        { atMs: episode.atMs, fault: { kind: 'crash', node: episode.node, torn: false } },
        { atMs: end, fault: { kind: 'restart', node: episode.node } },
      ];
    case 'pause':
      return [
        { atMs: episode.atMs, fault: { kind: 'pause', node: episode.node } },
        { atMs: end, fault: { kind: 'resume', node: episode.node } },
      ];
    case 'disconnect':
      return [{ atMs: episode.atMs, fault: { kind: 'disconnect', client: episode.client, node: episode.node } }];
  }
};

export const clusterHistoryArbitrary = (options: ClusterHistoryOptions): fc.Arbitrary<DistributedHistory> => {
  const kinds = (['crash', 'pause', 'disconnect'] as const).filter((kind) => options.faults.has(kind));
  return fc.integer({ min: 1, max: options.clientCountMax }).chain((clientCount) => {
    const episode: fc.Arbitrary<Episode> = fc.record({
      kind: kinds.length === 0 ? fc.constant('disconnect' as const) : fc.constantFrom(...kinds),
      node: fc.nat({ max: options.nodeCount - 1 }),
      client: fc.nat({ max: clientCount - 1 }),
      atMs: fc.integer({ min: 0, max: options.horizonMs }),
      outageMs: fc.integer({ min: 1, max: options.outageMsMax }),
    });
    return fc.record({
      nodeCount: fc.constant(options.nodeCount),
      clientCount: fc.constant(clientCount),
      // A real cluster draws its own timing; the seed only names the history.
      seed: fc.integer(),
      streams: fc.array(clientStreamArbitrary(options.nodeCount, options.commandsPerClientMax), {
        minLength: clientCount,
        maxLength: clientCount,
      }),
      faults: fc
        .array(episode, { maxLength: kinds.length === 0 ? 0 : options.episodesMax, size: 'max' })
        .map((episodes) => episodes.flatMap(faultsOf).sort((a, b) => a.atMs - b.atMs)),
      rates: fc.constant({ dropRate: 0, duplicateRate: 0, delayMsMax: 0 }),
    });
  });
};
