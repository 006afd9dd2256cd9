/**
 * Distributed histories: concurrent operation streams, one per client, and a schedule of faults
 * at simulated times. Streams use the model history commands; capabilities obtained by any
 * client go into one shared pool, as services pass capabilities to each other.
 */
import type { Command } from '../history/command.ts';

export type ClientCommand = Exclude<Command, { readonly kind: 'crash' } | { readonly kind: 'restart' }>;

export type Fault =
  | { readonly kind: 'crash'; readonly node: number; readonly torn: boolean }
  | { readonly kind: 'restart'; readonly node: number }
  /** Blocks client `client` from reaching node `node`; `oneWay` blocks only the requests. */
  | { readonly kind: 'partition'; readonly client: number; readonly node: number; readonly oneWay: boolean }
  | { readonly kind: 'heal' }
  /** Freezes node `node` (SIGSTOP on a real cluster) until a `resume`. */
  | { readonly kind: 'pause'; readonly node: number }
  | { readonly kind: 'resume'; readonly node: number }
  /** Closes the TCP connections between client `client` and node `node`. */
  | { readonly kind: 'disconnect'; readonly client: number; readonly node: number };

export interface TimedFault {
  /** Simulated milliseconds after the start of the run. */
  readonly atMs: number;
  readonly fault: Fault;
}

export interface FaultRates {
  readonly dropRate: number;
  readonly duplicateRate: number;
  readonly delayMsMax: number;
}

export interface DistributedHistory {
  readonly nodeCount: number;
  readonly clientCount: number;
  readonly streams: ReadonlyArray<ReadonlyArray<ClientCommand>>;
  readonly faults: ReadonlyArray<TimedFault>;
  readonly rates: FaultRates;
  /** Seed of the simulator's own randomness (delays, drops, torn lengths). */
  readonly seed: number;
}

export const describeFault = (fault: Fault): string => {
  switch (fault.kind) {
    case 'crash':
      return `crash n${fault.node}${fault.torn ? ' (torn tail)' : ''}`;
    case 'restart':
      return `restart n${fault.node}`;
    case 'partition':
      return `partition c${fault.client} ${fault.oneWay ? '->' : '<->'} n${fault.node}`;
    case 'heal':
      return 'heal';
    case 'pause':
      return `pause n${fault.node}`;
    case 'resume':
      return `resume n${fault.node}`;
    case 'disconnect':
      return `disconnect c${fault.client} n${fault.node}`;
  }
};
