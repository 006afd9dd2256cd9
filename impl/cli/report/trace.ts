/**
 * The events of a recorded run in time order: operation starts and ends, messages, faults and the
 * final phase. The diagram and the trace table both draw from this one list, so they show the
 * same content.
 */
import type { CampaignFailure } from '../../../properties/distributed/campaign.ts';
import type { RecordedFault, RecordedOp } from '../../../properties/distributed/run.ts';
import type { SentMessage } from '../../../properties/adapter.ts';

export type TraceEvent =
  /** An operation that took simulated time; its end is a separate event unless it is indeterminate. */
  | { readonly kind: 'op-start'; readonly timeMs: number; readonly actor: string; readonly op: RecordedOp }
  | { readonly kind: 'op-end'; readonly timeMs: number; readonly actor: string; readonly op: RecordedOp }
  /** An operation that returned at the time it started, such as an offline attenuate. */
  | { readonly kind: 'op-instant'; readonly timeMs: number; readonly actor: string; readonly op: RecordedOp }
  | { readonly kind: 'message'; readonly timeMs: number; readonly actor: string; readonly message: SentMessage }
  | {
      readonly kind: 'fault';
      readonly timeMs: number;
      readonly actor: string;
      readonly fault: RecordedFault;
      /** The node and client the fault acts on, resolved as the recorder resolves them. */
      readonly node: string | null;
      readonly client: string | null;
    }
  /** The recorder heals every partition and restarts every node before the final reads. */
  | { readonly kind: 'final-phase'; readonly timeMs: number; readonly actor: string };

export interface Trace {
  /** Clients first (`c0`, `c1`, ...), then nodes in cluster order, then any other message endpoint. */
  readonly clients: ReadonlyArray<string>;
  readonly nodes: ReadonlyArray<string>;
  readonly others: ReadonlyArray<string>;
  readonly events: ReadonlyArray<TraceEvent>;
}

/**
 * Order of events at the same time: an operation ends before the next one starts and sends its
 * request, and the final phase comes after the last stream operation and before the final reads.
 */
const rank = (event: TraceEvent): number => {
  switch (event.kind) {
    case 'op-end':
      return 0;
    case 'fault':
      return 1;
    case 'op-start':
    case 'op-instant':
      return event.op.final ? 4 : 2;
    case 'final-phase':
      return 3;
    case 'message':
      return 5;
  }
};

const opEvents = (op: RecordedOp): TraceEvent[] => {
  const actor = `c${op.client}`;
  if (op.endMs === op.startMs) {
    return [{ kind: 'op-instant', timeMs: op.startMs, actor, op }];
  }
  const start: TraceEvent = { kind: 'op-start', timeMs: op.startMs, actor, op };
  return op.endMs === null ? [start] : [start, { kind: 'op-end', timeMs: op.endMs, actor, op }];
};

const faultEvent = (failure: CampaignFailure, fault: RecordedFault): TraceEvent => {
  const run = failure.run;
  const f = fault.fault;
  const node = f.kind === 'heal' ? null : (run.nodes[f.node % run.nodes.length] ?? `n${f.node}`);
  const client = f.kind === 'partition' || f.kind === 'disconnect' ? `c${f.client % run.history.clientCount}` : null;
  return { kind: 'fault', timeMs: run.startMs + fault.atMs, actor: node ?? 'network', fault, node, client };
};

/** Builds the time-ordered trace of a failure's recorded run. */
export const buildTrace = (failure: CampaignFailure): Trace => {
  const run = failure.run;
  const clients = Array.from({ length: run.history.clientCount }, (_, index) => `c${index}`);
  const nodes = [...run.nodes];
  const known = new Set([...clients, ...nodes]);
  const others = [...new Set(run.messages.flatMap((message) => [message.from, message.to]))].filter((actor) => !known.has(actor)).sort();

  const finalStart = run.ops.find((op) => op.final)?.startMs;
  const events: TraceEvent[] = [
    ...run.ops.flatMap(opEvents),
    ...run.messages.map((message): TraceEvent => ({ kind: 'message', timeMs: message.timeMs, actor: message.from, message })),
    ...run.faults.map((fault) => faultEvent(failure, fault)),
    ...(finalStart === undefined ? [] : [{ kind: 'final-phase', timeMs: finalStart, actor: 'harness' } as const]),
  ];

  // Array.prototype.sort is stable, so events of one kind at one time keep their recorded order.
  events.sort((a, b) => a.timeMs - b.timeMs || rank(a) - rank(b));
  return { clients, nodes, others, events: withRequestsAfterTheirOps(events) };
};

/** True for the request an operation sends the moment it starts. */
const isFirstRequest = (op: TraceEvent, message: TraceEvent): boolean =>
  op.kind === 'op-start' &&
  message.kind === 'message' &&
  message.timeMs === op.timeMs &&
  op.op.requestId !== null &&
  message.message.requestId === op.op.requestId &&
  message.message.from === op.actor;

/**
 * Moves each operation's first request right after the operation's start, so that when several
 * clients start operations at one time, each start reads together with its own request.
 */
const withRequestsAfterTheirOps = (sorted: ReadonlyArray<TraceEvent>): TraceEvent[] => {
  const moved = new Set<TraceEvent>();
  const result: TraceEvent[] = [];
  sorted.forEach((event, index) => {
    if (moved.has(event)) {
      return;
    }
    result.push(event);
    for (let next = index + 1; next < sorted.length && sorted[next]?.timeMs === event.timeMs; next += 1) {
      const later = sorted[next];
      if (later !== undefined && !moved.has(later) && isFirstRequest(event, later)) {
        moved.add(later);
        result.push(later);
      }
    }
  });
  return result;
};
