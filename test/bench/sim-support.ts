/** Simulated clusters for the message-count and throughput benchmarks. */
import type { Outcome } from '../../impl/client/outcome.ts';
import type { SimClusterOptions } from '../../impl/sim/cluster.ts';
import type { NetworkFaults } from '../../impl/sim/network.ts';

/**
 * A network that loses and duplicates nothing, with one-way delays of 1 to 2 ms. The client's
 * first retry fires 12.5 to 25 ms after a request (RETRY_DELAY_MS_MIN is 25 ms, with jitter
 * down to half). A round trip here takes at most 2 + 5 + 2 ms, counting the slowest disk sync
 * (5 ms), so no request is ever retried and every frame counted belongs to the protocol. With
 * the default delays of up to 10 ms a round trip can outlast the first retry delay, and the
 * retry and its response would add frames.
 */
export const CLEAN_NETWORK: Partial<NetworkFaults> = { dropRate: 0, duplicateRate: 0, delayMsMin: 1, delayMsMax: 2 };

export const clusterOptions = (seed: number, nodes: number, clients: number): SimClusterOptions => ({
  seed,
  nodes,
  clients,
  network: CLEAN_NETWORK,
});

/** Returns the value of a successful outcome, or throws naming the operation and the outcome. */
export const expectOk = <T>(outcome: Outcome<T>, operation: string): T => {
  if (outcome.kind !== 'ok') {
    throw new Error(`${operation} did not succeed on a fault-free cluster: ${JSON.stringify(outcome)}`);
  }
  return outcome.value;
};
