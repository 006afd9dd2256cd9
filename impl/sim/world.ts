/**
 * A whole simulated world from one seed: the clock, the random streams, the network, a disk per
 * endpoint and the trace. Node and client processes get their ports from it and are crashed and
 * restarted through it, so a run is a deterministic function of the seed and the script.
 */
import {
  noopLogger,
  withFields,
  type Clock,
  type Logger,
  type Random,
  type Storage,
  type Transport,
} from '../ports.ts';
import { ProcessClock, SimClock } from './clock.ts';
import { SimDisk, type CrashOutcome, type DiskFaults } from './disk.ts';
import { checkEndpointId, SimNetwork, type NetworkFaults } from './network.ts';
import { SeededRandom, type Seed } from './random.ts';
import { Trace, type TraceOptions } from './trace.ts';
import { traceLogger } from './trace-logger.ts';

export interface SimWorldOptions {
  readonly seed: Seed;
  /** Initial network fault settings; unset fields take the defaults. */
  readonly network?: Partial<NetworkFaults>;
  /** Fault settings of every disk; unset fields take the defaults. */
  readonly disk?: Partial<DiskFaults>;
  readonly trace?: TraceOptions;
  /** Destination of endpoint log entries: `'trace'` records them in the trace, and a `Logger`
   * receives them with `endpoint` and `incarnation` fields added. By default they are discarded. */
  readonly logs?: 'trace' | Logger;
}

/** The ports of one process incarnation of an endpoint. */
export interface EndpointPorts {
  readonly id: string;
  /** 0 for the first process, one more after each restart. */
  readonly incarnation: number;
  readonly clock: Clock;
  readonly random: Random;
  readonly transport: Transport;
  /** The endpoint's disk. It outlives crashes: a restarted process loads what was durable. */
  readonly storage: Storage;
  readonly logger: Logger;
}

/** Starts a process on the given ports, for example by creating an owner node. The world calls
 * it on `addEndpoint` and again on every `restartEndpoint`. */
export type Boot = (ports: EndpointPorts) => void;

interface EndpointRecord {
  readonly disk: SimDisk;
  readonly boot: Boot | undefined;
  ports: EndpointPorts | undefined;
  clock: ProcessClock | undefined;
}

/**
 * The simulated world. Random streams are forks of the root stream `random` with the labels
 * `network`, `disk/<id>` and `endpoint/<id>/<incarnation>`, so a script that needs its own stream
 * forks another label, such as `workload`.
 */
export class SimWorld {
  readonly seed: Seed;
  readonly clock: SimClock;
  readonly random: SeededRandom;
  readonly trace: Trace;
  readonly network: SimNetwork;

  private readonly endpoints = new Map<string, EndpointRecord>();
  private readonly diskFaults: Partial<DiskFaults>;
  private readonly logs: 'trace' | Logger | undefined;

  constructor(options: SimWorldOptions) {
    this.seed = options.seed;
    this.clock = new SimClock();
    this.random = new SeededRandom(options.seed);
    this.trace = new Trace(this.clock, options.trace);
    this.network = new SimNetwork(this.clock, this.random.fork('network'), this.trace, options.network);
    this.diskFaults = options.disk ?? {};
    this.logs = options.logs;

    this.trace.record('world', `seed=${JSON.stringify(String(options.seed))}`);
  }

  /** Adds an endpoint with a fresh disk, starts its first process and returns that process's
   * ports. When `boot` is given, it is called with the ports now and after every restart. */
  addEndpoint(id: string, boot?: Boot): EndpointPorts {
    checkEndpointId(id);
    if (this.endpoints.has(id)) {
      throw new Error(`endpoint ${JSON.stringify(id)} already exists: use a new id, or restartEndpoint() after a crash`);
    }

    const transport = this.network.addEndpoint(id);
    const disk = new SimDisk(id, this.clock, this.random.fork(`disk/${id}`), this.trace, this.diskFaults);
    const record: EndpointRecord = { disk, boot, ports: undefined, clock: undefined };
    this.endpoints.set(id, record);

    return this.startProcess(id, record, transport, 0);
  }

  /**
   * Crashes the endpoint's process: its timers are cancelled, the network drops frames to it,
   * its transport and storage go stale and its disk loses or tears the unsynced bytes. Returns
   * what the crash did to the disk.
   */
  crashEndpoint(id: string): CrashOutcome {
    const record = this.record(id);
    const ports = record.ports;
    if (ports === undefined) {
      throw new Error(`endpoint ${JSON.stringify(id)} is already crashed: call restartEndpoint() first`);
    }

    this.trace.record('crash', `${id} incarnation=${ports.incarnation}`);
    record.clock?.cancelAll();
    record.clock = undefined;
    record.ports = undefined;
    this.network.down(id);
    return record.disk.crash();
  }

  /** Starts a new process on a crashed endpoint, calls its boot function if any, and returns the
   * new ports. The disk keeps what was durable (and any torn tail). */
  restartEndpoint(id: string): EndpointPorts {
    const record = this.record(id);
    if (record.ports !== undefined) {
      throw new Error(`endpoint ${JSON.stringify(id)} is running: call crashEndpoint() before restarting it`);
    }

    const transport = this.network.up(id);
    return this.startProcess(id, record, transport, this.network.incarnation(id));
  }

  isUp(id: string): boolean {
    return this.record(id).ports !== undefined;
  }

  /** Returns the ports of the endpoint's running process. Throws while it is crashed. */
  ports(id: string): EndpointPorts {
    const ports = this.record(id).ports;
    if (ports === undefined) {
      throw new Error(`endpoint ${JSON.stringify(id)} is crashed and has no ports: call restartEndpoint() first`);
    }
    return ports;
  }

  disk(id: string): SimDisk {
    return this.record(id).disk;
  }

  /** Returns the ids of all endpoints, in the order they were added. */
  endpointIds(): string[] {
    return [...this.endpoints.keys()];
  }

  /** Records a free-form line in the trace, such as an operation's result. */
  note(text: string): void {
    this.trace.note(text);
  }

  private startProcess(id: string, record: EndpointRecord, transport: Transport, incarnation: number): EndpointPorts {
    if (incarnation > 0) {
      this.trace.record('restart', `${id} incarnation=${incarnation}`);
    }

    const clock = new ProcessClock(this.clock);
    const ports: EndpointPorts = {
      id,
      incarnation,
      clock,
      random: this.random.fork(`endpoint/${id}/${incarnation}`),
      transport,
      storage: record.disk.open(),
      logger: this.loggerFor(id, incarnation),
    };
    record.clock = clock;
    record.ports = ports;

    record.boot?.(ports);
    return ports;
  }

  private loggerFor(id: string, incarnation: number): Logger {
    if (this.logs === undefined) {
      return noopLogger;
    }
    if (this.logs === 'trace') {
      return traceLogger(this.trace, { endpoint: id, incarnation });
    }
    return withFields(this.logs, { endpoint: id, incarnation });
  }

  private record(id: string): EndpointRecord {
    const record = this.endpoints.get(id);
    if (record === undefined) {
      throw new Error(`unknown endpoint ${JSON.stringify(id)}: add it with addEndpoint() first`);
    }
    return record;
  }
}
