/**
 * A local cluster of `shardcap node` processes on 127.0.0.1 under the control of one parent:
 * start, `kill -9` and restart on the same port and data directory, `SIGSTOP` and `SIGCONT`, and a
 * clean stop. `shardcap check --cluster` injects its real faults through it.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeId, type NodeId } from '../../model/index.ts';
import { NODE_START_TIMEOUT_MS, NODE_STOP_TIMEOUT_MS } from '../limits.ts';
import { formatAddress, LOOPBACK_HOST, type TcpAddress } from '../net/address-book.ts';
import { choosePorts } from './free-ports.ts';
import { describeExit, NodeProcess, type NodeExit } from './node-process.ts';

/** Output lines kept per node for the message of an unexpected exit. */
const OUTPUT_LINES_KEPT = 20;

export interface LocalClusterOptions {
  readonly nodes: number;
  /** The nodes' `--impl`: `reference` or `mutant:NAME`. */
  readonly impl: string;
  /** Receives every output line of every node, prefixed with `[ID] `; dropped unless set. */
  readonly forward?: (line: string) => void;
  /** Command that starts a node of another implementation; see `NodeProcessSpec.command`. */
  readonly command?: ReadonlyArray<string>;
  /** Time `stop` gives the nodes after SIGTERM before it sends SIGKILL, NODE_STOP_TIMEOUT_MS unless set. */
  readonly stopTimeoutMs?: number;
}

/** The state of one node as the parent controls it. */
type NodeState = 'running' | 'paused' | 'killed';

interface NodePlace {
  readonly id: NodeId;
  readonly address: TcpAddress;
  readonly data: string;
}

interface Member extends NodePlace {
  process: NodeProcess;
  state: NodeState;
  /** Set from a restart until the new process is spawned, once the old one has exited. */
  respawn: Promise<void> | undefined;
  /** Counts kills and restarts, so that a respawn overtaken by a later kill does nothing. */
  generation: number;
  /** The node's last output lines, across restarts. */
  readonly output: string[];
}

export class LocalCluster {
  readonly ids: ReadonlyArray<NodeId>;
  /** Directory holding one data directory per node; removed by `stop`. */
  readonly root: string;
  /** Unexpected exits: a node that ended although the parent neither killed nor stopped it. */
  readonly crashes: string[] = [];
  /** Called with each entry added to `crashes`. */
  private readonly crashListeners = new Set<(crash: string) => void>();

  private readonly places: ReadonlyArray<NodePlace>;
  private readonly members = new Map<NodeId, Member>();
  private readonly impl: string;
  private readonly command: ReadonlyArray<string> | undefined;
  private readonly stopTimeoutMs: number;
  private readonly forward: (line: string) => void;
  private stopping = false;
  private removeExitHook: () => void = () => undefined;
  /** Processes this cluster sent SIGKILL, whose exit is no crash. */
  private readonly killed = new WeakSet<NodeProcess>();

  private constructor(root: string, places: ReadonlyArray<NodePlace>, options: LocalClusterOptions) {
    this.root = root;
    this.places = places;
    this.ids = places.map((place) => place.id);
    this.impl = options.impl;
    this.command = options.command;
    this.stopTimeoutMs = options.stopTimeoutMs ?? NODE_STOP_TIMEOUT_MS;
    this.forward = options.forward ?? (() => undefined);
    for (const place of places) {
      const output: string[] = [];
      this.members.set(place.id, { ...place, output, state: 'running', process: this.spawn(place, output), respawn: undefined, generation: 0 });
    }
  }

  /**
   * Starts `options.nodes` nodes on free loopback ports with fresh data directories and waits
   * until each listens. Rejects, after stopping whatever started, when one exits first or the
   * start takes longer than NODE_START_TIMEOUT_MS.
   */
  static async start(options: LocalClusterOptions): Promise<LocalCluster> {
    const root = await mkdtemp(join(tmpdir(), 'shardcap-check-cluster-'));
    const ports = await choosePorts(LOOPBACK_HOST, 0, options.nodes);
    const places = ports.map((chosen, index): NodePlace => {
      const id = nodeId(`n${index}`);
      return { id, address: { host: LOOPBACK_HOST, port: chosen.port }, data: join(root, id) };
    });
    // A node of another implementation may expect its data directory to exist.
    for (const place of places) {
      await mkdir(place.data, { mode: 0o700 });
    }
    const cluster = new LocalCluster(root, places, options);
    // A paused node cannot notice that its parent is gone, so an exit of this process, even an
    // uncaught error, wakes and kills the nodes. Only a SIGKILL of this process skips it.
    const onExit = (): void => cluster.killAll();
    process.once('exit', onExit);
    cluster.removeExitHook = () => process.off('exit', onExit);
    try {
      await cluster.whenUp();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** Listen addresses by node id, for a client. */
  addresses(): ReadonlyMap<NodeId, TcpAddress> {
    return new Map(this.places.map((place) => [place.id, place.address]));
  }

  pid(id: NodeId): number | undefined {
    return this.member(id).process.pid;
  }

  /** False only between a `kill` and the next `restart`; a paused node counts as up. */
  isUp(id: NodeId): boolean {
    return this.member(id).state !== 'killed';
  }

  isPaused(id: NodeId): boolean {
    return this.member(id).state === 'paused';
  }

  /** Sends SIGKILL: the node loses everything it has not synced. */
  kill(id: NodeId): void {
    const member = this.member(id);
    member.state = 'killed';
    member.generation += 1;
    this.killed.add(member.process);
    member.process.kill('SIGKILL');
  }

  /**
   * Starts a killed node again on its port and data directory, as soon as the killed process has
   * exited and released its port and data directory lock. `whenUp` waits for it.
   */
  restart(id: NodeId): void {
    const member = this.member(id);
    if (member.state !== 'killed') {
      return;
    }
    member.state = 'running';
    member.generation += 1;
    const generation = member.generation;
    member.respawn = member.process.exited.then(() => {
      if (member.generation === generation && !this.stopping) {
        member.process = this.spawn(member, member.output);
        member.respawn = undefined;
      }
    });
  }

  /** Sends SIGSTOP to a running node. Returns false, sending nothing, when it is killed, restarting or paused. */
  pause(id: NodeId): boolean {
    const member = this.member(id);
    if (member.state !== 'running' || member.respawn !== undefined) {
      return false;
    }
    member.state = 'paused';
    member.process.kill('SIGSTOP');
    return true;
  }

  /** Sends SIGCONT to a paused node. Returns false, sending nothing, when it is not paused. */
  resume(id: NodeId): boolean {
    const member = this.member(id);
    if (member.state !== 'paused') {
      return false;
    }
    member.state = 'running';
    member.process.kill('SIGCONT');
    return true;
  }

  /**
   * Resolves once every node that is not killed listens. Rejects when one of them exits first, or
   * has not listened within NODE_START_TIMEOUT_MS, with the node's last output lines.
   */
  async whenUp(): Promise<void> {
    await Promise.all([...this.members.values()].map((member) => member.respawn));
    const waiting = [...this.members.values()].filter((member) => member.state !== 'killed' && !member.process.isReady);
    if (waiting.length === 0) {
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), NODE_START_TIMEOUT_MS);
    });
    try {
      for (const member of waiting) {
        const started = member.process;
        const result = await Promise.race([started.ready, started.exited, timeout]);
        if (result === 'timeout') {
          throw new Error(
            `node ${member.id} printed no ready line within ${NODE_START_TIMEOUT_MS / 1000} s: once it listens, a node prints ` +
              `"${member.id} listening on ${formatAddress(member.address)} pid PID objects N data DIR" on stdout${lastLines(member.output)}`,
          );
        }
        if ('code' in result) {
          if (started === member.process) {
            throw new Error(`node ${member.id} ended before it printed its ready line: ${describeExit(result)}${lastLines(member.output)}`);
          }
        } else if (result.address.port !== member.address.port) {
          throw new Error(
            `node ${member.id} listens on ${formatAddress(result.address)}, not on ${formatAddress(member.address)}, the address it was given: make it listen on {listen}`,
          );
        }
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Stops every node: SIGCONT to paused ones, SIGTERM, and SIGKILL to those still running after
   * the stop timeout. Then removes the data directories unless `keepData` is set. Returns the
   * ids of the nodes that needed the SIGKILL.
   */
  async stop(keepData = false): Promise<NodeId[]> {
    this.stopping = true;
    this.removeExitHook();
    const running = [...this.members.values()].filter((member) => member.process.exit === undefined);
    for (const member of running) {
      member.process.kill('SIGCONT');
      member.process.kill('SIGTERM');
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.stopTimeoutMs);
    });
    const exited = Promise.all(running.map((member) => member.process.exited));
    await Promise.race([exited, late]);
    clearTimeout(timer);
    const killed = running.filter((member) => member.process.exit === undefined).map((member) => member.id);
    for (const member of running) {
      member.process.kill('SIGKILL');
    }
    await exited;
    if (!keepData) {
      await rm(this.root, { recursive: true, force: true });
    }
    return killed;
  }

  /** Sends SIGCONT and SIGKILL to every node process, synchronously, for an exit of this process. */
  private killAll(): void {
    for (const member of this.members.values()) {
      member.process.kill('SIGCONT');
      member.process.kill('SIGKILL');
    }
  }

  private member(id: NodeId): Member {
    const member = this.members.get(id);
    if (member === undefined) {
      throw new RangeError(`no node ${id} in this cluster: it has ${this.ids.join(', ')}`);
    }
    return member;
  }

  /** Calls `listener` with each later unexpected exit, until the returned function is called. */
  onCrash(listener: (crash: string) => void): () => void {
    this.crashListeners.add(listener);
    return () => this.crashListeners.delete(listener);
  }

  /** Starts the process of the node at `place`; its output lines go to `output` and `forward`. */
  private spawn(place: NodePlace, output: string[]): NodeProcess {
    const peers = new Map(this.places.filter((other) => other.id !== place.id).map((other) => [other.id, other.address]));
    const spec = this.command === undefined ? { ...place, peers, impl: this.impl } : { ...place, peers, command: this.command };
    const started = new NodeProcess(spec, (line) => {
      output.push(line);
      if (output.length > OUTPUT_LINES_KEPT) {
        output.shift();
      }
      this.forward(line);
    });
    void started.exited.then((exit: NodeExit) => {
      // Only the exit of a process that the parent neither killed nor stopped is a crash. A killed
      // process that leaves a process holding its output is one too: a restart could not take over.
      const killed = this.killed.has(started);
      if (!this.stopping && (!killed || exit.outputHeldOpen === true)) {
        const ending = killed ? 'was killed' : 'exited on its own';
        const crash = `node ${place.id} (pid ${String(started.pid)}) ${ending}: ${describeExit(exit)}${lastLines(output)}`;
        this.crashes.push(crash);
        for (const listener of this.crashListeners) {
          listener(crash);
        }
      }
    });
    return started;
  }
}

const lastLines = (output: ReadonlyArray<string>): string => (output.length === 0 ? '' : `; its last output:\n${output.join('\n')}`);
