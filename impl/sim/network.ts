/**
 * A simulated network between endpoints, driven by the simulated clock and a seeded random
 * stream. Each frame gets its own random delay, so frames overtake each other. Frames can also be
 * lost or duplicated at configurable rates, blocked by partitions (one-way or both ways), or
 * dropped because their receiver is down. Every send, delivery, drop and duplicate is traced.
 */
import type { FrameHandler, Transport } from '../ports.ts';
import type { SimClock } from './clock.ts';
import {
  ENDPOINT_ID_LENGTH_MAX,
  NETWORK_DELAY_MS_MAX,
  NETWORK_DELAY_MS_MIN,
  NETWORK_DROP_RATE,
  NETWORK_DUPLICATE_RATE,
} from './defaults.ts';
import { copyBytes } from './bytes.ts';
import type { SeededRandom } from './random.ts';
import { digestNumber, formatDigest, type Trace } from './trace.ts';

/** Fault settings of the whole network. They apply to every frame sent after they are set. */
export interface NetworkFaults {
  /** Minimum one-way delay, in milliseconds. */
  readonly delayMsMin: number;
  /** Maximum one-way delay, in milliseconds. */
  readonly delayMsMax: number;
  /** Probability that a frame is lost. */
  readonly dropRate: number;
  /** Probability that a frame is delivered twice. */
  readonly duplicateRate: number;
}

export const DEFAULT_NETWORK_FAULTS: NetworkFaults = {
  delayMsMin: NETWORK_DELAY_MS_MIN,
  delayMsMax: NETWORK_DELAY_MS_MAX,
  dropRate: NETWORK_DROP_RATE,
  duplicateRate: NETWORK_DUPLICATE_RATE,
};

/** Selects frames by sender and receiver. An absent field matches any endpoint. */
export interface FrameMatch {
  readonly from?: string;
  readonly to?: string;
}

/**
 * Why a frame was not delivered, as printed in `net-drop` trace lines:
 * - `sender-down`: sent through the transport of a crashed process incarnation;
 * - `unknown-endpoint`: no endpoint has the receiver's id;
 * - `receiver-down`: the receiver was down when the frame was sent or when it arrived;
 * - `receiver-restarted`: the receiver crashed and restarted while the frame was in flight, as a
 *   connection-oriented transport loses data sent to the old process;
 * - `partition`: the link was blocked when the frame was sent or when it arrived;
 * - `explicit`: consumed by `dropNext`;
 * - `random`: lost at the configured drop rate;
 * - `no-handler`: the receiver had not set a frame handler yet.
 */
export type DropReason =
  | 'sender-down'
  | 'unknown-endpoint'
  | 'receiver-down'
  | 'receiver-restarted'
  | 'partition'
  | 'explicit'
  | 'random'
  | 'no-handler';

/** Endpoint ids are printable ASCII without spaces, so trace lines split cleanly on spaces. */
const ENDPOINT_ID_PATTERN = /^[\x21-\x7e]+$/;

/** Throws unless `id` can name an endpoint. */
export const checkEndpointId = (id: string): void => {
  if (!ENDPOINT_ID_PATTERN.test(id) || id.length > ENDPOINT_ID_LENGTH_MAX) {
    throw new RangeError(
      `invalid endpoint id ${JSON.stringify(id)}: use 1 to ${ENDPOINT_ID_LENGTH_MAX} printable ASCII characters without spaces`,
    );
  }
};

interface EndpointState {
  readonly id: string;
  up: boolean;
  /** Counts restarts: 0 for the first process, one more after each `up()`. */
  incarnation: number;
  handler: FrameHandler | undefined;
}

/** A frame as its sender handed it to the network. */
export interface SentFrame {
  readonly timeMs: number;
  readonly from: string;
  readonly to: string;
  readonly frame: Uint8Array;
}

export type SendObserver = (sent: SentFrame) => void;

interface FrameRule {
  readonly match: FrameMatch;
  remaining: number;
}

export class SimNetwork {
  private readonly endpoints = new Map<string, EndpointState>();
  private readonly blockedLinks = new Set<string>();
  private readonly isolated = new Set<string>();
  private readonly dropRules: FrameRule[] = [];
  private readonly duplicateRules: FrameRule[] = [];
  private currentFaults: NetworkFaults;
  private nextFrameId = 1;
  private inFlight = 0;
  private readonly sendObservers: SendObserver[] = [];

  constructor(
    private readonly clock: SimClock,
    private readonly random: SeededRandom,
    private readonly trace: Trace,
    faults: Partial<NetworkFaults> = {},
  ) {
    this.currentFaults = checkNetworkFaults({ ...DEFAULT_NETWORK_FAULTS, ...faults });
  }

  /** Adds an endpoint, up, and returns the transport of its first process. */
  addEndpoint(id: string): Transport {
    checkEndpointId(id);
    if (this.endpoints.has(id)) {
      throw new Error(`endpoint ${JSON.stringify(id)} already exists: use a new id, or up() to restart it`);
    }

    this.endpoints.set(id, { id, up: true, incarnation: 0, handler: undefined });
    this.trace.record('net-add', id);
    return new EndpointTransport(this, id, 0);
  }

  hasEndpoint(id: string): boolean {
    return this.endpoints.has(id);
  }

  /** Returns the ids of all endpoints, in the order they were added. */
  endpointIds(): string[] {
    return [...this.endpoints.keys()];
  }

  isUp(id: string): boolean {
    return this.endpoint(id).up;
  }

  /** Returns the incarnation of the endpoint's current process: 0 at first, one more after each restart. */
  incarnation(id: string): number {
    return this.endpoint(id).incarnation;
  }

  /**
   * Takes an endpoint down, as when its process crashes. It receives nothing until `up()`: frames
   * to it are dropped. Its handler is removed, and sends through its old transport are dropped.
   */
  down(id: string): void {
    const endpoint = this.endpoint(id);
    if (!endpoint.up) {
      throw new Error(`endpoint ${JSON.stringify(id)} is already down: call up() before taking it down again`);
    }

    endpoint.up = false;
    endpoint.handler = undefined;
    this.trace.record('net-down', id);
  }

  /** Brings a down endpoint up for a new process and returns that process's transport. */
  up(id: string): Transport {
    const endpoint = this.endpoint(id);
    if (endpoint.up) {
      throw new Error(`endpoint ${JSON.stringify(id)} is already up: call down() first`);
    }

    endpoint.up = true;
    endpoint.incarnation++;
    this.trace.record('net-up', `${id} incarnation=${endpoint.incarnation}`);
    return new EndpointTransport(this, id, endpoint.incarnation);
  }

  faults(): NetworkFaults {
    return this.currentFaults;
  }

  /** Changes some fault settings. Frames already in flight keep their delay and fate. */
  setFaults(changes: Partial<NetworkFaults>): void {
    this.currentFaults = checkNetworkFaults({ ...this.currentFaults, ...changes });

    const { delayMsMin, delayMsMax, dropRate, duplicateRate } = this.currentFaults;
    this.trace.record('net-faults', `delay=[${delayMsMin},${delayMsMax}] drop=${dropRate} duplicate=${duplicateRate}`);
  }

  /** Blocks frames from `from` to `to`, but not the reverse direction. Frames in flight on the
   * link when it is blocked are dropped when they arrive. */
  partition(from: string, to: string): void {
    this.endpoint(from);
    this.endpoint(to);
    if (from === to) {
      throw new RangeError(`cannot partition endpoint ${JSON.stringify(from)} from itself: name two endpoints`);
    }

    this.blockedLinks.add(linkKey(from, to));
    this.trace.record('net-partition', `${from}->${to}`);
  }

  /** Blocks both directions between every endpoint of `left` and every endpoint of `right`. */
  split(left: ReadonlyArray<string>, right: ReadonlyArray<string>): void {
    for (const a of left) {
      for (const b of right) {
        this.partition(a, b);
        this.partition(b, a);
      }
    }
  }

  /** Unblocks the link from `from` to `to` that `partition` or `split` blocked. */
  reconnect(from: string, to: string): void {
    this.blockedLinks.delete(linkKey(from, to));
    this.trace.record('net-reconnect', `${from}->${to}`);
  }

  /** Blocks every frame between `id` and any other endpoint, in both directions. Frames an
   * endpoint sends to itself still arrive. */
  isolate(id: string): void {
    this.endpoint(id);
    this.isolated.add(id);
    this.trace.record('net-isolate', id);
  }

  /** Removes every partition and isolation. */
  heal(): void {
    this.blockedLinks.clear();
    this.isolated.clear();
    this.trace.record('net-heal', '');
  }

  /** Returns whether frames from `from` to `to` are blocked by a partition or an isolation. */
  isBlocked(from: string, to: string): boolean {
    if (this.blockedLinks.size === 0 && this.isolated.size === 0) {
      return false;
    }
    if (this.blockedLinks.has(linkKey(from, to))) {
      return true;
    }
    return from !== to && (this.isolated.has(from) || this.isolated.has(to));
  }

  /** Drops the next `count` frames that match, whatever the drop rate. Checked at send time,
   * before the random drop. */
  dropNext(match: FrameMatch = {}, count = 1): void {
    checkRuleCount(count);
    this.dropRules.push({ match, remaining: count });
  }

  /** Duplicates the next `count` matching frames that are not dropped at send time, whatever
   * the duplicate rate. Each copy still meets the delivery-time checks on its own. */
  duplicateNext(match: FrameMatch = {}, count = 1): void {
    checkRuleCount(count);
    this.duplicateRules.push({ match, remaining: count });
  }

  /** Returns the number of frames scheduled for delivery that have not arrived or been dropped yet. */
  inFlightCount(): number {
    return this.inFlight;
  }

  /** Calls `observer` for every frame a live endpoint sends, before any fault decides its fate.
   * Checkers use it to attribute messages to operations. */
  observeSends(observer: SendObserver): void {
    this.sendObservers.push(observer);
  }

  /** Called by `EndpointTransport.send`. */
  sendFrom(from: string, incarnation: number, to: string, frame: Uint8Array): void {
    const frameId = this.nextFrameId++;
    const sender = this.endpoint(from);

    if (!sender.up || sender.incarnation !== incarnation) {
      this.drop(frameId, from, to, 'sender-down');
      return;
    }

    const copy = copyBytes(frame);
    const receiver = this.endpoints.get(to);
    const length = copy.length;
    const digest = digestNumber(copy);
    if (receiver === undefined) {
      this.trace.record('net-send', `${linkText(frameId, from, to)} length=${length} digest=${formatDigest(digest)}`);
    } else {
      // Only the id of an endpoint that exists is known to hold no line break. The line is
      // written only if the trace is read, from values that never change.
      this.trace.recordDeferred('net-send', () => `${linkText(frameId, from, to)} length=${length} digest=${formatDigest(digest)}`);
    }
    for (const observer of this.sendObservers) {
      observer({ timeMs: this.clock.now(), from, to, frame: copy });
    }

    // Every send draws the same four numbers whatever the settings, so changing a rate changes
    // the fate of frames but never shifts the random stream.
    const { delayMsMin, delayMsMax, dropRate, duplicateRate } = this.currentFaults;
    const dropDraw = this.random.nextFloat();
    const delayMs = this.random.between(delayMsMin, delayMsMax);
    const duplicateDraw = this.random.nextFloat();
    const duplicateDelayMs = this.random.between(delayMsMin, delayMsMax);

    if (receiver === undefined) {
      this.drop(frameId, from, to, 'unknown-endpoint');
      return;
    }
    if (!receiver.up) {
      this.drop(frameId, from, to, 'receiver-down');
      return;
    }
    if (this.isBlocked(from, to)) {
      this.drop(frameId, from, to, 'partition');
      return;
    }
    if (consumeRule(this.dropRules, from, to)) {
      this.drop(frameId, from, to, 'explicit');
      return;
    }
    if (dropDraw < dropRate) {
      this.drop(frameId, from, to, 'random');
      return;
    }

    this.schedule(frameId, from, to, copy, receiver.incarnation, delayMs);

    if (consumeRule(this.duplicateRules, from, to) || duplicateDraw < duplicateRate) {
      const duplicateId = this.nextFrameId++;
      this.trace.recordUnchecked('net-duplicate', `#${duplicateId} of #${frameId} ${from}->${to}`);
      this.schedule(duplicateId, from, to, copyBytes(copy), receiver.incarnation, duplicateDelayMs);
    }
  }

  /** Called by `EndpointTransport.onFrame`. A stale transport cannot set a handler. */
  setHandler(id: string, incarnation: number, handler: FrameHandler): void {
    const endpoint = this.endpoint(id);
    if (endpoint.up && endpoint.incarnation === incarnation) {
      endpoint.handler = handler;
    }
  }

  /** Delivers `frame` after `delayMs`. `frameId` names the frame in trace lines, as `#<id> <from>-><to>`. */
  private schedule(
    frameId: number,
    from: string,
    to: string,
    frame: Uint8Array,
    receiverIncarnation: number,
    delayMs: number,
  ): void {
    this.inFlight++;
    this.clock.setTimer(delayMs, () => {
      this.inFlight--;
      this.deliver(frameId, from, to, frame, receiverIncarnation);
    });
  }

  private deliver(frameId: number, from: string, to: string, frame: Uint8Array, receiverIncarnation: number): void {
    const receiver = this.endpoint(to);

    if (!receiver.up) {
      this.drop(frameId, from, to, 'receiver-down');
      return;
    }
    if (receiver.incarnation !== receiverIncarnation) {
      this.drop(frameId, from, to, 'receiver-restarted');
      return;
    }
    if (this.isBlocked(from, to)) {
      this.drop(frameId, from, to, 'partition');
      return;
    }
    const handler = receiver.handler;
    if (handler === undefined) {
      this.drop(frameId, from, to, 'no-handler');
      return;
    }

    this.trace.recordDeferred('net-deliver', () => linkText(frameId, from, to));
    handler(from, frame);
  }

  private drop(frameId: number, from: string, to: string, reason: DropReason): void {
    this.trace.record('net-drop', `${linkText(frameId, from, to)} reason=${reason}`);
  }

  private endpoint(id: string): EndpointState {
    const endpoint = this.endpoints.get(id);
    if (endpoint === undefined) {
      throw new Error(`unknown endpoint ${JSON.stringify(id)}: add it with addEndpoint() first`);
    }
    return endpoint;
  }
}

/** The transport of one process incarnation. Once its endpoint goes down it is stale: its sends
 * are dropped and its `onFrame` does nothing, because its process no longer exists. */
class EndpointTransport implements Transport {
  constructor(
    private readonly network: SimNetwork,
    private readonly id: string,
    private readonly incarnation: number,
  ) {}

  send(to: string, frame: Uint8Array): void {
    this.network.sendFrom(this.id, this.incarnation, to, frame);
  }

  onFrame(handler: FrameHandler): void {
    this.network.setHandler(this.id, this.incarnation, handler);
  }
}

const linkKey = (from: string, to: string): string => `${from} ${to}`;

/** Names a frame in trace lines: `#<frame id> <from>-><to>`. */
const linkText = (frameId: number, from: string, to: string): string => `#${frameId} ${from}->${to}`;

const matches = (match: FrameMatch, from: string, to: string): boolean =>
  (match.from === undefined || match.from === from) && (match.to === undefined || match.to === to);

/** Uses up one application of the first rule that matches the link, and returns whether any matched. */
const consumeRule = (rules: FrameRule[], from: string, to: string): boolean => {
  if (rules.length === 0) {
    return false;
  }
  const index = rules.findIndex((rule) => matches(rule.match, from, to));
  const rule = rules[index];
  if (rule === undefined) {
    return false;
  }

  rule.remaining--;
  if (rule.remaining === 0) {
    rules.splice(index, 1);
  }
  return true;
};

const checkRuleCount = (count: number): void => {
  if (!(Number.isSafeInteger(count) && count >= 1)) {
    throw new RangeError(`invalid frame count ${count}: use a positive integer`);
  }
};

const checkRate = (name: string, rate: number): void => {
  if (!(rate >= 0 && rate <= 1)) {
    throw new RangeError(`invalid ${name} ${rate}: use a probability from 0 to 1`);
  }
};

/** Returns the settings unchanged, or throws naming the first invalid one. */
export const checkNetworkFaults = (faults: NetworkFaults): NetworkFaults => {
  const { delayMsMin, delayMsMax, dropRate, duplicateRate } = faults;
  if (!(Number.isFinite(delayMsMin) && delayMsMin >= 0)) {
    throw new RangeError(`invalid delayMsMin ${delayMsMin}: use a finite number of milliseconds, at least 0`);
  }
  if (!(Number.isFinite(delayMsMax) && delayMsMax >= delayMsMin)) {
    throw new RangeError(`invalid delayMsMax ${delayMsMax}: use a finite number of milliseconds, at least delayMsMin (${delayMsMin})`);
  }
  checkRate('dropRate', dropRate);
  checkRate('duplicateRate', duplicateRate);
  return faults;
};
