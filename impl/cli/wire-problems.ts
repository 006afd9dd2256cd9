/**
 * A count of the wire problems that the checking clients of `check --cluster` saw, per node. A node of
 * another implementation that breaks the framing or hello rules, or responds with frames that do
 * not decode, otherwise shows only as operations without a response. The transports and clients
 * log each such event, and this logger counts them by node, event and reason.
 */
import type { Logger, LogMethod } from '../ports.ts';

/** Log messages of the transport and the client that mean the peer broke the protocol. */
const PROTOCOL_EVENTS: ReadonlySet<string> = new Set([
  'closed a connection after a protocol error',
  'dropped a malformed frame',
  'dropped a request sent to a client',
]);

/** Log message of a failed dial, which a kill -9 fault also causes. */
const CONNECTION_FAILED = 'connection to the peer failed, retrying with backoff';

/** Reasons kept per node and event; later ones are counted under the last reason seen. */
const REASONS_KEPT = 5;

export interface WireProblem {
  readonly node: string;
  readonly event: string;
  readonly reason: string;
  readonly count: number;
  /** True for a broken protocol, false for a failed connection, which faults cause too. */
  readonly protocol: boolean;
}

export class WireProblemLog implements Logger {
  private readonly counts = new Map<string, { problem: Omit<WireProblem, 'count'>; count: number }>();

  /** `names` maps a listen address HOST:PORT to its node id, for entries that have no peer id. */
  constructor(private readonly names: ReadonlyMap<string, string> = new Map()) {}

  readonly debug: LogMethod = () => undefined;
  readonly info: LogMethod = () => undefined;
  readonly warn: LogMethod = (fields, message) => this.note(fields, message);
  readonly error: LogMethod = (fields, message) => this.note(fields, message);

  /** Returns every problem seen, protocol errors first, then by node. */
  problems(): WireProblem[] {
    return [...this.counts.values()]
      .map(({ problem, count }) => ({ ...problem, count }))
      .sort((a, b) => Number(b.protocol) - Number(a.protocol) || a.node.localeCompare(b.node) || b.count - a.count);
  }

  private note(fields: Readonly<Record<string, unknown>>, message: string): void {
    const protocol = PROTOCOL_EVENTS.has(message);
    if (!protocol && message !== CONNECTION_FAILED) {
      return;
    }
    const address = typeof fields['address'] === 'string' ? fields['address'] : undefined;
    const node = typeof fields['peer'] === 'string' ? fields['peer'] : ((address === undefined ? undefined : this.names.get(address)) ?? address ?? 'unknown');
    const detail = fields['reason'] ?? fields['error'] ?? '';
    const reason = typeof detail === 'string' ? detail : String(detail);
    let key = `${node}\n${message}\n${reason}`;
    if (!this.counts.has(key)) {
      const sameEvent = [...this.counts.values()].filter((entry) => entry.problem.node === node && entry.problem.event === message);
      if (sameEvent.length >= REASONS_KEPT) {
        const last = sameEvent[sameEvent.length - 1];
        key = `${node}\n${message}\n${last?.problem.reason ?? ''}`;
      }
    }
    const entry = this.counts.get(key);
    if (entry === undefined) {
      this.counts.set(key, { problem: { node, event: message, reason, protocol }, count: 1 });
    } else {
      entry.count += 1;
    }
  }
}

/** Formats problems as lines of `count  node  event: reason`. */
export const formatWireProblems = (problems: ReadonlyArray<WireProblem>): string =>
  problems.map((problem) => `  ${String(problem.count).padStart(5)}  ${problem.node}  ${problem.event}${problem.reason === '' ? '' : `: ${problem.reason}`}`).join('\n');
