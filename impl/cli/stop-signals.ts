/**
 * SIGINT, SIGTERM and SIGHUP handling for the long-running commands: `shardcap node`, `shardcap
 * cluster` and `shardcap check --cluster`. SIGHUP counts as a stop request too. The kernel sends it,
 * with SIGCONT, to a process group that a parent's death leaves orphaned while one of its members
 * is stopped, such as a node that a killed checker had paused.
 */

export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/** Exit status after a stop signal, as shells report a command the signal ended: 128 plus its number. */
export const INTERRUPTED_EXIT: Readonly<Record<StopSignal, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

const STOP_SIGNALS: ReadonlyArray<StopSignal> = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface StopSignals {
  /** Whether a SIGINT, SIGTERM or SIGHUP has arrived. Unlike `first`, it changes in the signal handler
   * itself, before any promise callback runs. */
  readonly received: boolean;
  /** Resolves with the first SIGINT or SIGTERM the process receives after `listenForStopSignals`. */
  readonly first: Promise<StopSignal>;
  /** Calls `handler` on every later SIGINT or SIGTERM, replacing the previous handler. */
  onRepeat(handler: (signal: StopSignal) => void): void;
  /** Removes the handlers, so that the signals have their default effect again. */
  dispose(): void;
}

/**
 * Replaces the default effect of SIGINT and SIGTERM, which ends the process at once, with a
 * promise. A command registers this before it starts anything, so that a signal that arrives
 * while it starts still leads to a clean stop.
 */
export const listenForStopSignals = (): StopSignals => {
  let received = false;
  let resolveFirst: (signal: StopSignal) => void = () => undefined;
  let repeat: (signal: StopSignal) => void = () => undefined;
  const first = new Promise<StopSignal>((resolve) => {
    resolveFirst = resolve;
  });

  const listener = (signal: NodeJS.Signals): void => {
    const stopSignal: StopSignal = signal === 'SIGINT' || signal === 'SIGHUP' ? signal : 'SIGTERM';
    if (received) {
      repeat(stopSignal);
      return;
    }
    received = true;
    resolveFirst(stopSignal);
  };
  for (const signal of STOP_SIGNALS) {
    process.on(signal, listener);
  }

  return {
    get received() {
      return received;
    },
    first,
    onRepeat: (handler) => {
      repeat = handler;
    },
    dispose: () => {
      for (const signal of STOP_SIGNALS) {
        process.off(signal, listener);
      }
    },
  };
};

/** A stop request of a campaign, made from stop signals. */
export interface StopRequest {
  /** Aborted by the first signal, with the signal's name as the reason. */
  readonly signal: AbortSignal;
  /** Returns the first signal, or undefined while none has arrived. */
  readonly stoppedBy: () => StopSignal | undefined;
  /** Marks the campaign as over: later repeats only meet the summary being printed, which takes
   * milliseconds, so they are ignored. */
  readonly settle: () => void;
}

/**
 * Turns `signals` into a stop request. The first signal aborts the request's `signal`, and a
 * repeat calls `onRepeat` until `settle` is called.
 */
export const stopRequestFrom = (signals: StopSignals, onRepeat: (signal: StopSignal) => void): StopRequest => {
  const controller = new AbortController();
  void signals.first.then((signal) => controller.abort(signal));
  let settled = false;
  signals.onRepeat((signal) => {
    if (!settled) {
      onRepeat(signal);
    }
  });
  return {
    signal: controller.signal,
    stoppedBy: () => (controller.signal.aborted ? (controller.signal.reason as StopSignal) : undefined),
    settle: () => {
      settled = true;
    },
  };
};
