/**
 * Default settings and limits of the simulator, in one place. Fault rates are probabilities in
 * [0, 1]. The defaults describe a mildly faulty network and disk. A test that needs a clean run
 * sets the rates to 0 itself.
 */

/** Minimum one-way delay of a simulated frame, in milliseconds. */
export const NETWORK_DELAY_MS_MIN = 1;

/** Maximum one-way delay of a simulated frame, in milliseconds. Delays are drawn uniformly
 * between the minimum and this, so frames on one link can overtake each other. */
export const NETWORK_DELAY_MS_MAX = 10;

/** Probability that a frame is lost. */
export const NETWORK_DROP_RATE = 0.01;

/** Probability that a frame is delivered twice, each copy with its own delay. */
export const NETWORK_DUPLICATE_RATE = 0.01;

/** Minimum simulated time a disk sync takes, in milliseconds. */
export const DISK_SYNC_LATENCY_MS_MIN = 1;

/** Maximum simulated time a disk sync takes, in milliseconds. */
export const DISK_SYNC_LATENCY_MS_MAX = 5;

/** Simulated time a disk load takes, in milliseconds. */
export const DISK_LOAD_LATENCY_MS = 1;

/** Probability that a crash leaves part of the unsynced bytes on disk instead of none. */
export const DISK_TORN_WRITE_RATE = 0.5;

/** Default maximum number of events one run of the simulated clock fires before it stops. It
 * bounds a run whose timers keep rescheduling themselves. */
export const CLOCK_RUN_EVENTS_MAX = 1_000_000;

/** Simulated events, over all clocks, between two turns of the real event loop. Between events
 * the clock waits only for promise continuations, which is cheaper than a turn of the loop. The
 * turns let real timers, signals and output through during a long simulation. */
export const CLOCK_EVENTS_PER_LOOP_TURN = 64;

/** Maximum length of an endpoint id, in characters. */
export const ENDPOINT_ID_LENGTH_MAX = 64;

/** Events a trace that does not retain lines keeps unformatted before it formats and hashes them
 * in one batch. It bounds the memory such a trace holds. */
export const TRACE_UNFORMATTED_EVENTS_MAX = 1024;
