/**
 * Checks read straight off a recorded run, beside linearizability: owner locality of messages, a
 * constant bound on messages per operation, and failure isolation.
 */
import { REQUEST_DEADLINE_MS, RETRY_DELAY_MS_MAX, RETRY_DELAY_MS_MIN } from '../../impl/limits.ts';
import type { NodeId } from '../../model/index.ts';
import type { RecordedOp, RecordedRun } from './run.ts';

export interface DirectViolation {
  readonly check: 'owner-locality' | 'message-bound' | 'failure-isolation';
  readonly op: number | null;
  readonly message: string;
}

/**
 * Most attempts a client makes for one request: every retry waits at least half its backoff,
 * and the backoff doubles from the minimum up to the maximum, until the deadline.
 */
export const attemptsMax = (deadlineMs = REQUEST_DEADLINE_MS, delayMin = RETRY_DELAY_MS_MIN, delayMax = RETRY_DELAY_MS_MAX): number => {
  let attempts = 1;
  let elapsed = 0;
  let backoff = delayMin;
  while (elapsed < deadlineMs) {
    elapsed += backoff / 2;
    backoff = Math.min(delayMax, backoff * 2);
    attempts += 1;
  }
  return attempts;
};

/** Most messages one operation may cause: each attempt is one request, and the owner answers
 * each delivered copy of it, at most two with duplication. The bound does not depend on the
 * number of nodes or of derived capabilities. */
export const MESSAGES_PER_OPERATION_MAX = 3 * attemptsMax();

/** Largest drop rate under which an operation on a reachable live owner must complete: with it,
 * every one of the attempts failing is less likely than one in a hundred million. */
export const ISOLATION_DROP_RATE_MAX = 0.1;

export const checkOwnerLocality = (run: RecordedRun): DirectViolation[] => {
  const byRequest = new Map(run.ops.filter((op) => op.requestId !== null).map((op) => [op.requestId, op] as const));
  const violations: DirectViolation[] = [];
  for (const message of run.messages) {
    if (message.requestId === null) {
      continue;
    }
    const op = byRequest.get(message.requestId);
    if (op === undefined || op.owner === null) {
      continue;
    }
    const client = `c${op.client}`;
    const between = (message.from === client && message.to === op.owner) || (message.from === op.owner && message.to === client);
    if (!between) {
      violations.push({
        check: 'owner-locality',
        op: op.id,
        message: `message ${message.from}->${message.to} of request ${message.requestId} is not between ${client} and the owner ${op.owner}`,
      });
    }
  }
  return violations;
};

export const checkMessageBound = (run: RecordedRun): DirectViolation[] => {
  const counts = new Map<string, number>();
  for (const message of run.messages) {
    if (message.requestId !== null) {
      counts.set(message.requestId, (counts.get(message.requestId) ?? 0) + 1);
    }
  }
  return run.ops.flatMap((op) => {
    const count = op.requestId === null ? 0 : (counts.get(op.requestId) ?? 0);
    return count > MESSAGES_PER_OPERATION_MAX
      ? [{ check: 'message-bound' as const, op: op.id, message: `${op.kind} sent ${count} messages, more than ${MESSAGES_PER_OPERATION_MAX}` }]
      : [];
  });
};

interface Interval {
  readonly from: number;
  readonly to: number;
}

/** Times at which the owner was down or unreachable from the client, as intervals. */
const disturbances = (run: RecordedRun, owner: NodeId, client: number): Interval[] => {
  const result: Interval[] = [];
  let downSince: number | null = null;
  let cutSince: number | null = null;
  let pausedSince: number | null = null;
  const nodeIndex = run.nodes.indexOf(owner);
  for (const fault of run.faults) {
    if (!fault.applied) {
      continue;
    }
    const time = run.startMs + fault.atMs;
    const f = fault.fault;
    if (f.kind === 'crash' && f.node % run.nodes.length === nodeIndex && downSince === null) {
      downSince = time;
    } else if (f.kind === 'restart' && f.node % run.nodes.length === nodeIndex && downSince !== null) {
      // A restarted owner recovers from its disk before it responds, and a deadline covers that.
      result.push({ from: downSince, to: time + REQUEST_DEADLINE_MS });
      downSince = null;
    } else if (f.kind === 'partition' && f.client % run.history.clientCount === client && f.node % run.nodes.length === nodeIndex) {
      cutSince ??= time;
    } else if (f.kind === 'heal' && cutSince !== null) {
      result.push({ from: cutSince, to: time });
      cutSince = null;
    } else if (f.kind === 'pause' && f.node % run.nodes.length === nodeIndex) {
      pausedSince ??= time;
    } else if (f.kind === 'resume' && f.node % run.nodes.length === nodeIndex && pausedSince !== null) {
      // A paused node keeps its state, so it responds as soon as it runs again.
      result.push({ from: pausedSince, to: time });
      pausedSince = null;
    }
  }
  if (pausedSince !== null) {
    // The final phase resumes every paused node before its reads.
    result.push({ from: pausedSince, to: run.finalPhaseMs });
  }
  if (downSince !== null) {
    result.push({ from: downSince, to: Number.POSITIVE_INFINITY });
  }
  if (cutSince !== null) {
    // The final phase heals every partition before its reads.
    result.push({ from: cutSince, to: run.ops.find((op) => op.final)?.startMs ?? Number.POSITIVE_INFINITY });
  }
  return result;
};

/**
 * An operation on an owner that stayed up and reachable from its client for the whole deadline
 * must complete, whatever else crashed or was cut off.
 */
export const checkFailureIsolation = (run: RecordedRun): DirectViolation[] => {
  if (run.history.rates.dropRate > ISOLATION_DROP_RATE_MAX) {
    return [];
  }
  return run.ops.flatMap((op: RecordedOp) => {
    if (op.owner === null || op.requestId === null || op.outcome.kind !== 'indeterminate' || !run.nodes.includes(op.owner)) {
      return [];
    }
    const window = { from: op.startMs, to: op.startMs + REQUEST_DEADLINE_MS };
    const disturbed = disturbances(run, op.owner, op.client).some(
      (interval) => interval.from <= window.to && interval.to >= window.from,
    );
    return disturbed
      ? []
      : [
          {
            check: 'failure-isolation' as const,
            op: op.id,
            message: `${op.kind} on ${op.owner} got no response although the owner stayed up and reachable`,
          },
        ];
  });
};

export const checkDirect = (run: RecordedRun): DirectViolation[] => [
  ...checkOwnerLocality(run),
  ...checkMessageBound(run),
  ...checkFailureIsolation(run),
];
