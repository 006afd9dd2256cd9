/**
 * One request of a client from its first send until a response arrives or the deadline passes.
 * It retries with exponential backoff and jitter in between. The client keeps it in its table of
 * pending requests by request id, and hands it every response with that id.
 *
 * It is a class rather than closures made per request, so that sending a request creates no
 * functions beyond the timer callbacks.
 */
import type { NodeId } from '../../model/index.ts';
import type { Clock, Logger, Random, TimerId, Transport } from '../ports.ts';
import type { WireOutput, WireResult } from '../wire/messages.ts';
import { invalidInput, ok, refusedWith, type Outcome } from './outcome.ts';

/** The client's ports, settings and tables that its requests use. The client builds one and shares
 * it with every request. */
export interface RequestContext {
  readonly clientId: string;
  readonly clock: Clock;
  readonly random: Random;
  readonly transport: Transport;
  readonly logger: Logger;
  readonly stats: { retries: number; indeterminate: number };
  /** The client's pending requests by id. A request removes itself when it finishes. */
  readonly pending: Map<string, InFlightRequest>;
  readonly deadlineMs: number;
  readonly retryDelayMsMin: number;
  readonly retryDelayMsMax: number;
}

export class InFlightRequest {
  private timer: TimerId | undefined;
  private attempt = 0;
  private readonly deadlineAt: number;

  constructor(
    private readonly context: RequestContext,
    private readonly owner: NodeId,
    private readonly id: string,
    private readonly frame: Uint8Array,
    private readonly resolve: (outcome: Outcome<WireOutput>) => void,
  ) {
    this.deadlineAt = context.clock.now() + context.deadlineMs;
  }

  /** Sends the request and sets the timer of the next retry, or of the deadline when the next
   * retry would come after it. */
  send(): void {
    const { clock, random, transport } = this.context;
    transport.send(this.owner, this.frame);
    const remaining = this.deadlineAt - clock.now();
    const backoff = Math.min(this.context.retryDelayMsMax, this.context.retryDelayMsMin * 2 ** this.attempt);
    const delay = backoff * (0.5 + random.nextFloat() / 2);
    if (remaining <= delay) {
      // The last wait ends exactly at the deadline, so the request never outlives it.
      this.timer = clock.setTimer(Math.max(0, remaining), () => this.giveUp());
      return;
    }
    this.timer = clock.setTimer(delay, () => this.retry());
  }

  /** Finishes the request with the owner's response. */
  settle(result: WireResult): void {
    if (result.ok === true) {
      this.finish(ok(result.output));
    } else if (result.ok === false) {
      this.finish(refusedWith(result.refusal));
    } else {
      this.finish(invalidInput(`${this.owner} rejected request ${this.id}: ${result.message}`));
    }
  }

  private retry(): void {
    this.timer = undefined;
    this.attempt += 1;
    this.context.stats.retries += 1;
    this.context.logger.debug({ client: this.context.clientId, node: this.owner, request: this.id, attempt: this.attempt }, 'retrying request');
    this.send();
  }

  /** Finishes the request at once as indeterminate, because its client was closed. The request
   * may already have taken effect at the owner, so nothing is known about it. */
  abandon(reason: string): void {
    this.context.stats.indeterminate += 1;
    this.finish({ kind: 'indeterminate', reason });
  }

  private giveUp(): void {
    this.timer = undefined;
    this.context.stats.indeterminate += 1;
    this.context.logger.warn(
      { client: this.context.clientId, node: this.owner, request: this.id, attempts: this.attempt + 1 },
      'request deadline passed',
    );
    this.finish({ kind: 'indeterminate', reason: `no answer from ${this.owner} within ${this.context.deadlineMs} ms` });
  }

  private finish(outcome: Outcome<WireOutput>): void {
    if (this.timer !== undefined) {
      this.context.clock.clearTimer(this.timer);
    }
    this.context.pending.delete(this.id);
    this.resolve(outcome);
  }
}
