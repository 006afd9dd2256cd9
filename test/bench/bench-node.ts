/**
 * Real `shardcap node` processes for the TCP benchmarks: spawned with the same Node.js binary,
 * listening on a free port of 127.0.0.1, and ready once they print their ready line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { NodeId } from '../../model/index.ts';
import { parseReadyLine, type ReadyLine } from '../../impl/cli/ready-line.ts';
import { LOOPBACK_HOST } from '../../impl/net/address-book.ts';
import { RemoteCluster } from '../../impl/net/remote-cluster.ts';

const BIN_PATH = fileURLToPath(new URL('../../impl/cli/bin.mjs', import.meta.url));

/** Time a node process gets to recover its log and print its ready line, in milliseconds. A log
 * of 500,000 records took about 10 s on the 2-core machine in docs/benchmarks.md. */
export const NODE_READY_TIMEOUT_MS = 120_000;

/** Output lines of a node kept for the message when it fails to start. */
const OUTPUT_LINES_KEPT = 20;

/** Log level of the benchmark's nodes: warnings and errors only, so that writing log lines costs
 * the node nothing while it is measured. */
const NODE_LOG_LEVEL = 'warn';

export interface BenchNode {
  readonly id: NodeId;
  readonly ready: ReadyLine;
  /** Time from just before the spawn to the arrival of the ready line, in milliseconds. */
  readonly spawnToReadyMs: number;
  /** `performance.now()` just before the spawn. */
  readonly spawnedAt: number;
  /** Sends SIGKILL unless the process has exited, and resolves once it has. */
  readonly kill: () => Promise<void>;
}

/**
 * Spawns `shardcap node --id ID --listen 127.0.0.1:0 --data DIR` and resolves once it prints its
 * ready line. Rejects with the node's last output lines when it exits first or takes longer than
 * NODE_READY_TIMEOUT_MS, after killing it.
 */
export const startBenchNode = async (id: NodeId, data: string): Promise<BenchNode> => {
  const output: string[] = [];
  const keep = (line: string): void => {
    output.push(line);
    if (output.length > OUTPUT_LINES_KEPT) {
      output.shift();
    }
  };

  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [BIN_PATH, 'node', '--id', id, '--listen', `${LOOPBACK_HOST}:0`, '--data', data], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SHARDCAP_LOG: NODE_LOG_LEVEL },
  });
  const exited = new Promise<string>((resolve) => {
    child.once('close', (code, signal) => resolve(signal !== null ? `killed by ${signal}` : `exit code ${String(code)}`));
    child.once('error', (error) => {
      if (child.pid === undefined) {
        resolve(`spawn failed: ${error.message}`);
      }
    });
  });
  const kill = (): Promise<void> => killAndWait(child, exited);

  let readyAt = 0;
  const ready = new Promise<ReadyLine>((resolve) => {
    createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
      const parsed = parseReadyLine(line);
      if (parsed !== undefined && parsed.id === id) {
        readyAt = performance.now();
        resolve(parsed);
      } else {
        keep(line);
      }
    });
  });
  createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', keep);

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), NODE_READY_TIMEOUT_MS);
  });
  const first = await Promise.race([ready, exited, timeout]);
  clearTimeout(timer);

  if (typeof first === 'string') {
    await kill();
    const reason = first === 'timeout' ? `printed no ready line within ${NODE_READY_TIMEOUT_MS} ms` : `exited before it was ready (${first})`;
    throw new Error(`benchmark node ${id} on ${data} ${reason}; its last output:\n${output.join('\n')}`);
  }
  return { id, ready: first, spawnToReadyMs: readyAt - spawnedAt, spawnedAt, kill };
};

const killAndWait = async (child: ChildProcess, exited: Promise<string>): Promise<void> => {
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    child.kill('SIGKILL');
  }
  await exited;
};

/** Returns a client of the one-node cluster `node`. Each client has its own TCP connection. */
export const connectClient = (node: BenchNode): RemoteCluster =>
  RemoteCluster.connect({ nodes: { [node.id]: node.ready.address } });

/**
 * Things a benchmark must undo however it ends: processes to kill, clients to close, data
 * directories to remove. `release` undoes them in reverse order and reports the first failure
 * only after trying all of them.
 */
export class BenchResources {
  private readonly undo: Array<() => Promise<void>> = [];

  add(release: () => Promise<void>): void {
    this.undo.push(release);
  }

  addDirectory(path: string): void {
    this.add(() => rm(path, { recursive: true, force: true }));
  }

  async release(): Promise<void> {
    const failures: unknown[] = [];
    for (const release of this.undo.splice(0).reverse()) {
      try {
        await release();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) {
      throw new Error(`failed to release ${failures.length} benchmark resources (processes, connections, directories); the first error: ${String(failures[0])}`);
    }
  }
}
