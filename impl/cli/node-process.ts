/** One `shardcap node` child process of `shardcap cluster`: spawn, output, readiness and exit. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { NodeId } from '../../model/index.ts';
import { formatAddress, type TcpAddress } from '../net/address-book.ts';
import { formatPeerList } from './host-port.ts';
import { parseReadyLine, type ReadyLine } from './ready-line.ts';

/** The `shardcap` entry point, run with the same Node.js binary as this process. */
const BIN_PATH = fileURLToPath(new URL('./bin.mjs', import.meta.url));

export interface NodeProcessSpec {
  readonly id: NodeId;
  readonly address: TcpAddress;
  readonly data: string;
  /** Listen addresses of the other nodes. */
  readonly peers: ReadonlyMap<NodeId, TcpAddress>;
  /** Value of the node's `--impl` flag; the node's default (`reference`) unless set. */
  readonly impl?: string;
  /**
   * Command that starts a node of another implementation in place of `shardcap node`: the program
   * and its arguments, with the placeholders of `NODE_COMMAND_PLACEHOLDERS` replaced. Run without a
   * shell, so signals reach the node itself.
   */
  readonly command?: ReadonlyArray<string>;
}

/** Placeholders of a node command and what replaces them. */
export const NODE_COMMAND_PLACEHOLDERS: Readonly<Record<string, string>> = {
  '{id}': 'the node id, such as n0',
  '{listen}': 'the listen address HOST:PORT',
  '{host}': 'the listen host',
  '{port}': 'the listen port',
  '{data}': 'the data directory, created empty for the node',
  '{peers}': 'the other nodes as ID=HOST:PORT,... (empty for a single node)',
};

/** Returns the program and arguments that start the node of `spec`. */
const commandLineOf = (spec: NodeProcessSpec): { readonly program: string; readonly args: string[] } => {
  if (spec.command === undefined) {
    const args = [BIN_PATH, 'node', '--id', spec.id, '--listen', formatAddress(spec.address), '--data', spec.data];
    if (spec.peers.size > 0) {
      args.push('--peers', formatPeerList(spec.peers));
    }
    if (spec.impl !== undefined) {
      args.push('--impl', spec.impl);
    }
    return { program: process.execPath, args };
  }
  const values: Readonly<Record<string, string>> = {
    '{id}': spec.id,
    '{listen}': formatAddress(spec.address),
    '{host}': spec.address.host,
    '{port}': String(spec.address.port),
    '{data}': spec.data,
    '{peers}': spec.peers.size > 0 ? formatPeerList(spec.peers) : '',
  };
  const [program, ...rest] = spec.command.map((word) => word.replace(/\{[a-z]+\}/g, (name) => values[name] ?? name));
  if (program === undefined) {
    throw new RangeError('empty node command: give the program that starts a node and its arguments');
  }
  return { program, args: rest };
};

/** Exit status of a process: exactly one of `code` and `signal` is set, or `error` when the
 * spawn itself failed. */
export interface NodeExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly error?: string;
  /** True when the process exited but its output pipes stayed open past OUTPUT_CLOSE_GRACE_MS,
   * so some process it started still keeps them open, and may still have its port and data. */
  readonly outputHeldOpen?: boolean;
}

/** Time the output pipes of an exited process get to close, in milliseconds. They close at
 * once unless a process that the node started inherited them and still runs, such as one it
 * moved to another session, which the signals to the node's process group do not reach. */
export const OUTPUT_CLOSE_GRACE_MS = 1_000;

export const describeExit = (exit: NodeExit): string => {
  if (exit.error !== undefined) {
    return `failed to start a process (${exit.error})`;
  }
  const status = exit.signal !== null ? `killed by ${exit.signal}` : `exit code ${String(exit.code)}`;
  return exit.outputHeldOpen === true
    ? `${status}, but a process it started still keeps its output open and may keep its port and data; ` +
        'a node command must not leave processes in another session or process group'
    : status;
};

export class NodeProcess {
  readonly id: NodeId;
  readonly data: string;
  /** Resolves with the node's ready line once it listens. It never settles when the process
   * exits first. */
  readonly ready: Promise<ReadyLine>;
  /** Resolves once the process has exited and its output is fully read, or OUTPUT_CLOSE_GRACE_MS
   * after the exit when its output stays open. */
  readonly exited: Promise<NodeExit>;

  private readonly child: ChildProcess;
  /** True when the node leads a process group of its own, which signals then reach whole. */
  private readonly ownGroup: boolean;
  private exitStatus: NodeExit | undefined;
  private readyLine: ReadyLine | undefined;

  /** Starts `node bin.mjs node ...`, or `spec.command`, for `spec`. Every output line other than
   * the ready line goes to `forward`, prefixed with `[ID] `. */
  constructor(spec: NodeProcessSpec, forward: (line: string) => void) {
    this.id = spec.id;
    this.data = spec.data;
    const { program, args } = commandLineOf(spec);
    // The IPC channel lets the node notice when this process is gone, even after a SIGKILL, and stop.
    // A node of another implementation runs in a process group of its own, so that a kill, a pause
    // or a stop also reaches any process it starts, such as the program of a wrapper script.
    // `shardcap node` stays in this process's group, where a shell's job control can still wake a
    // node left paused by a checker that was killed.
    this.ownGroup = spec.command !== undefined;
    this.child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], detached: this.ownGroup });
    // The channel must not keep this process running; the node stops when it closes.
    this.child.channel?.unref();

    const prefix = `[${spec.id}] `;
    let onReady: (line: ReadyLine) => void = () => undefined;
    this.ready = new Promise((resolve) => {
      onReady = resolve;
    });

    const stdout = this.child.stdout;
    const stderr = this.child.stderr;
    if (stdout !== null) {
      createInterface({ input: stdout, crlfDelay: Infinity }).on('line', (line) => {
        const ready = parseReadyLine(line);
        if (ready !== undefined && ready.id === spec.id) {
          this.readyLine ??= ready;
          onReady(ready);
        } else {
          forward(`${prefix}${line}`);
        }
      });
    }
    if (stderr !== null) {
      createInterface({ input: stderr, crlfDelay: Infinity }).on('line', (line) => forward(`${prefix}${line}`));
    }

    this.exited = new Promise((resolve) => {
      const settle = (exit: NodeExit): void => {
        this.exitStatus ??= exit;
        resolve(this.exitStatus);
      };
      this.child.on('error', (error) => {
        // 'error' without a pid means the spawn failed, and then no 'close' may follow. With a
        // pid it means a kill failed because the process had already exited, which 'close'
        // reports.
        if (this.child.pid === undefined) {
          settle({ code: null, signal: null, error: error.message });
        }
      });
      this.child.once('close', (code, signal) => settle({ code, signal }));
      // 'close' waits for the output pipes, which a process the node started can keep open for
      // good. The exit is final after a grace period anyway, and the pipes are let go.
      this.child.once('exit', (code, signal) => {
        const grace = setTimeout(() => {
          this.child.stdout?.destroy();
          this.child.stderr?.destroy();
          if (this.child.connected) {
            this.child.disconnect();
          }
          settle({ code, signal, outputHeldOpen: true });
        }, OUTPUT_CLOSE_GRACE_MS);
        grace.unref();
        this.child.once('close', () => clearTimeout(grace));
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the node has printed its ready line. */
  get isReady(): boolean {
    return this.readyLine !== undefined;
  }

  /** Exit status of the process, or `undefined` while it runs. */
  get exit(): NodeExit | undefined {
    return this.exitStatus;
  }

  /** Sends `signal` unless the process has already exited, to its whole process group when it
   * has one of its own. */
  kill(signal: NodeJS.Signals): void {
    if (this.exitStatus !== undefined) {
      return;
    }
    const pid = this.child.pid;
    if (this.ownGroup && pid !== undefined) {
      try {
        process.kill(-pid, signal);
      } catch {
        // ESRCH: the whole group has exited.
      }
      return;
    }
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill(signal);
    }
  }
}
