/**
 * `shardcap node` and `shardcap cluster` as real processes on loopback, driven by RemoteCluster,
 * and their option errors. Every process a test starts is killed in `afterEach`, whatever the
 * outcome of the test.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeId, type NodeId } from '../../model/index.ts';
import { makeDirectory } from '../../impl/cli/make-directory.ts';
import { parseReadyLine, type ReadyLine } from '../../impl/cli/ready-line.ts';
import type { Outcome } from '../../impl/client/outcome.ts';
import { formatAddress, type TcpAddress } from '../../impl/net/address-book.ts';
import { RemoteCluster } from '../../impl/net/remote-cluster.ts';
import { runCommand, type Captured } from './support.ts';

const BIN_PATH = fileURLToPath(new URL('../../impl/cli/bin.mjs', import.meta.url));
const LOOPBACK = '127.0.0.1';

/** Time a test waits for a process to print a line or to exit, in milliseconds. */
const PROCESS_WAIT_MS = 20_000;

/** Deadline of the test clients' requests, in milliseconds: long enough for a loaded machine,
 * short enough that a request to a killed node ends soon. */
const CLIENT_DEADLINE_MS = 3_000;

// ---------------------------------------------------------------------------------------------
// Processes, directories and clients that `afterEach` removes.

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A `shardcap` child process whose output is collected line by line. */
class ShardcapProcess {
  readonly child: ChildProcess;
  readonly stdoutLines: string[] = [];
  readonly stderrLines: string[] = [];
  readonly exited: Promise<Exit>;
  private exitStatus: Exit | undefined;

  constructor(args: ReadonlyArray<string>) {
    this.child = spawn(process.execPath, [BIN_PATH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    collectLines(this.child.stdout, this.stdoutLines);
    collectLines(this.child.stderr, this.stderrLines);
    this.exited = new Promise((resolve) => {
      this.child.once('close', (code, signal) => {
        this.exitStatus = { code, signal };
        resolve(this.exitStatus);
      });
    });
  }

  get pid(): number {
    const pid = this.child.pid;
    if (pid === undefined) {
      throw new Error('the shardcap process failed to spawn');
    }
    return pid;
  }

  get running(): boolean {
    return this.exitStatus === undefined;
  }

  get output(): string {
    return `stdout:\n${this.stdoutLines.join('\n')}\nstderr:\n${this.stderrLines.join('\n')}`;
  }

  /** Waits until `count` stdout lines match `pattern` and returns them. */
  async waitForStdout(pattern: RegExp, count = 1): Promise<string[]> {
    await this.waitFor(() => this.stdoutLines.filter((line) => pattern.test(line)).length >= count, `${count} stdout lines matching ${String(pattern)}`);
    return this.stdoutLines.filter((line) => pattern.test(line));
  }

  async waitForStderr(pattern: RegExp): Promise<string> {
    await this.waitFor(() => this.stderrLines.some((line) => pattern.test(line)), `a stderr line matching ${String(pattern)}`);
    return this.stderrLines.find((line) => pattern.test(line)) ?? '';
  }

  /** Waits for the exit, failing the test when it takes longer than PROCESS_WAIT_MS. */
  async waitForExit(): Promise<Exit> {
    const timeout = new Promise<never>((_, reject) => {
      setTimeout(() => reject(new Error(`process ${this.pid} did not exit within ${PROCESS_WAIT_MS} ms\n${this.output}`)), PROCESS_WAIT_MS).unref();
    });
    return Promise.race([this.exited, timeout]);
  }

  private async waitFor(predicate: () => boolean, what: string): Promise<void> {
    const started = Date.now();
    while (!predicate()) {
      if (Date.now() - started > PROCESS_WAIT_MS) {
        throw new Error(`timed out after ${PROCESS_WAIT_MS} ms waiting for ${what}\n${this.output}`);
      }
      if (!this.running && !predicate()) {
        throw new Error(`process exited with ${JSON.stringify(this.exitStatus)} before ${what}\n${this.output}`);
      }
      await sleep(10);
    }
  }
}

const collectLines = (stream: NodeJS.ReadableStream | null, lines: string[]): void => {
  let partial = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  stream?.on('end', () => {
    if (partial !== '') {
      lines.push(partial);
    }
  });
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const processes: ShardcapProcess[] = [];
/** Node processes started by a cluster under test, by pid. */
const grandchildPids: number[] = [];
const directories: string[] = [];
const clusters: RemoteCluster[] = [];
const servers: Server[] = [];

const startShardcap = (...args: string[]): ShardcapProcess => {
  const started = new ShardcapProcess(args);
  processes.push(started);
  return started;
};

const temporaryDirectory = async (): Promise<string> => {
  const path = await mkdtemp(join(tmpdir(), 'shardcap-cli-'));
  directories.push(path);
  return path;
};

const connect = (nodes: Readonly<Record<string, TcpAddress>>): RemoteCluster => {
  const cluster = RemoteCluster.connect({ nodes, deadlineMs: CLIENT_DEADLINE_MS });
  clusters.push(cluster);
  return cluster;
};

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') {
      return false;
    }
    throw error;
  }
};

const killQuietly = (pid: number): void => {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
};

afterEach(async () => {
  for (const cluster of clusters.splice(0)) {
    await cluster.close();
  }
  for (const started of processes.splice(0)) {
    if (started.running) {
      started.child.kill('SIGKILL');
      await started.exited;
    }
  }
  for (const pid of grandchildPids.splice(0)) {
    killQuietly(pid);
  }
  for (const server of servers.splice(0)) {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
    });
  }
  for (const path of directories.splice(0)) {
    await rm(path, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------------------------
// Helpers for outcomes and printed lines.

const valueOf = <T>(outcome: Outcome<T>): T => {
  if (outcome.kind !== 'ok') {
    throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  }
  return outcome.value;
};

const refusalOf = (outcome: Outcome<unknown>): string => {
  if (outcome.kind !== 'refused') {
    throw new Error(`expected a refusal, got ${JSON.stringify(outcome)}`);
  }
  return outcome.refusal._tag;
};

interface ClusterLine {
  readonly id: NodeId;
  readonly address: TcpAddress;
  readonly pid: number;
  readonly data: string;
}

const CLUSTER_LINE = /^(n[0-9]+) listening on 127\.0\.0\.1:([0-9]+) pid ([0-9]+) data (.+)$/;

const parseClusterLine = (line: string): ClusterLine => {
  const match = CLUSTER_LINE.exec(line);
  if (match === null) {
    throw new Error(`not a cluster node line: ${line}`);
  }
  return { id: nodeId(match[1] ?? ''), address: { host: LOOPBACK, port: Number(match[2]) }, pid: Number(match[3]), data: match[4] ?? '' };
};

/** Starts a cluster and returns its process and node lines, sorted by node id. */
const startCluster = async (...args: string[]): Promise<{ cluster: ShardcapProcess; nodes: ClusterLine[] }> => {
  const cluster = startShardcap('cluster', ...args);
  const count = Number(args[args.indexOf('--nodes') + 1]);
  const lines = await cluster.waitForStdout(CLUSTER_LINE, count);
  const nodes = lines.map(parseClusterLine).sort((a, b) => a.id.localeCompare(b.id));
  grandchildPids.push(...nodes.map((node) => node.pid));
  await cluster.waitForStdout(/^[0-9]+ nodes running/);
  return { cluster, nodes };
};

const addressBookOf = (nodes: ReadonlyArray<ClusterLine>): Record<string, TcpAddress> =>
  Object.fromEntries(nodes.map((node) => [node.id, node.address]));

/** Starts `shardcap node` and waits for its ready line. */
const startNode = async (...args: string[]): Promise<{ node: ShardcapProcess; ready: ReadyLine }> => {
  const node = startShardcap('node', ...args);
  const [line] = await node.waitForStdout(/ listening on /);
  const ready = parseReadyLine(line ?? '');
  if (ready === undefined) {
    throw new Error(`unreadable ready line ${JSON.stringify(line)}`);
  }
  return { node, ready };
};

// ---------------------------------------------------------------------------------------------

describe('shardcap cluster', () => {
  it('serves clients and survives a killed node', async () => {
    const data = await temporaryDirectory();
    const { cluster, nodes } = await startCluster('--nodes', '3', '--base-port', '0', '--data', data);

    expect(nodes.map((node) => node.id)).toEqual(['n0', 'n1', 'n2']);
    expect(nodes.map((node) => node.data)).toEqual(['n0', 'n1', 'n2'].map((id) => join(data, id)));
    expect(new Set(nodes.map((node) => node.address.port)).size).toBe(3);
    expect(new Set([cluster.pid, ...nodes.map((node) => node.pid)]).size).toBe(4);
    expect(cluster.stdoutLines[0]).toBe(`data directory ${data}`);

    const remote = connect(addressBookOf(nodes));
    const client = remote.client;
    expect(remote.nodes).toEqual(['n0', 'n1', 'n2']);

    const objects = new Map<NodeId, { cap: string; object: string }>();
    for (const { id } of nodes) {
      const created = valueOf(await client.create(id, `first on ${id}`));
      expect(created.object.startsWith(`${id}/`)).toBe(true);
      const reader = valueOf(await client.derive(created.cap, ['read']));

      expect(valueOf(await client.invoke(created.cap, { kind: 'write', value: `second on ${id}` }))).toEqual({ kind: 'write' });
      expect(valueOf(await client.invoke(reader.cap, { kind: 'read' }))).toEqual({ kind: 'read', value: `second on ${id}` });
      expect(refusalOf(await client.invoke(reader.cap, { kind: 'write', value: 'x' }))).toBe('MissingRight');
      valueOf(await client.revoke(reader.revoker));
      expect(refusalOf(await client.invoke(reader.cap, { kind: 'read' }))).toBe('Revoked');
      objects.set(id, { cap: created.cap, object: created.object });
    }

    const victim = nodes[1] as ClusterLine;
    process.kill(victim.pid, 'SIGKILL');
    const report = await cluster.waitForStderr(/exited unexpectedly/);
    expect(report).toContain(`node n1 (pid ${victim.pid}) exited unexpectedly: killed by SIGKILL`);
    expect(isAlive(victim.pid)).toBe(false);

    for (const id of [nodeId('n0'), nodeId('n2')]) {
      const cap = objects.get(id)?.cap ?? '';
      expect(valueOf(await client.invoke(cap, { kind: 'read' }))).toEqual({ kind: 'read', value: `second on ${id}` });
      expect(valueOf(await client.invoke(cap, { kind: 'write', value: `third on ${id}` }))).toEqual({ kind: 'write' });
      expect(valueOf(await client.invoke(cap, { kind: 'read' }))).toEqual({ kind: 'read', value: `third on ${id}` });
      const later = valueOf(await client.create(id, 'created after the kill'));
      expect(valueOf(await client.invoke(later.cap, { kind: 'read' }))).toEqual({ kind: 'read', value: 'created after the kill' });
    }
    const lost = await client.invoke(objects.get(nodeId('n1'))?.cap ?? '', { kind: 'read' });
    expect(lost.kind).toBe('indeterminate');

    cluster.child.kill('SIGINT');
    const exit = await cluster.waitForExit();

    expect(exit).toEqual({ code: 0, signal: null });
    expect(cluster.stdoutLines).toContain('stopping 2 nodes');
    expect(cluster.stdoutLines).toContain('n0 stopped: exit code 0');
    expect(cluster.stdoutLines).toContain('n1 had already exited: killed by SIGKILL');
    expect(cluster.stdoutLines).toContain('n2 stopped: exit code 0');
    expect(cluster.stdoutLines).toContain('all 3 nodes stopped');
    for (const node of nodes) {
      expect(isAlive(node.pid)).toBe(false);
    }
    expect(cluster.stderrLines.some((line) => line.startsWith('[n0] ') && line.includes('"msg":"node stopped"'))).toBe(true);
  });

  it('replaces a port in use and stops on SIGTERM', async () => {
    const holder = createServer();
    servers.push(holder);
    const held = await new Promise<number>((resolve) => {
      holder.listen(0, LOOPBACK, () => {
        const address = holder.address();
        resolve(address !== null && typeof address !== 'string' ? address.port : 0);
      });
    });
    const data = await temporaryDirectory();

    const { cluster, nodes } = await startCluster('--nodes', '1', '--base-port', String(held), '--data', data);

    const n0 = nodes[0] as ClusterLine;
    expect(n0.address.port).not.toBe(held);
    expect(cluster.stderrLines).toContain(`shardcap cluster: port ${held} is in use, so n0 listens on free port ${n0.address.port}`);
    const client = connect(addressBookOf(nodes)).client;
    const created = valueOf(await client.create(n0.id, 'on a replaced port'));
    expect(valueOf(await client.invoke(created.cap, { kind: 'read' }))).toEqual({ kind: 'read', value: 'on a replaced port' });

    cluster.child.kill('SIGTERM');
    expect(await cluster.waitForExit()).toEqual({ code: 0, signal: null });
    expect(cluster.stdoutLines).toContain('n0 stopped: exit code 0');
    expect(isAlive(n0.pid)).toBe(false);
  });
});

describe('shardcap cluster killed', () => {
  it('nodes stop when the cluster dies', async () => {
    const data = await temporaryDirectory();
    const { cluster, nodes } = await startCluster('--nodes', '2', '--base-port', '0', '--data', data);

    cluster.child.kill('SIGKILL');
    await cluster.waitForExit();

    const started = Date.now();
    while (nodes.some((node) => isAlive(node.pid)) && Date.now() - started < PROCESS_WAIT_MS) {
      await sleep(20);
    }
    for (const node of nodes) {
      expect(isAlive(node.pid), `node ${node.id} (pid ${node.pid}) still runs after its cluster was killed`).toBe(false);
    }
  });
});

describe('shardcap node', () => {
  it('keeps a write across SIGKILL and restart', async () => {
    const data = join(await temporaryDirectory(), 'n0');
    const first = await startNode('--id', 'n0', '--listen', '127.0.0.1:0', '--data', data);
    expect(first.ready).toMatchObject({ id: 'n0', objects: 0, data, pid: first.node.pid });
    const port = first.ready.address.port;

    const client = connect({ n0: first.ready.address }).client;
    const created = valueOf(await client.create(nodeId('n0'), 'before the write'));
    const reader = valueOf(await client.derive(created.cap, ['read']));
    valueOf(await client.invoke(created.cap, { kind: 'write', value: 'written before the kill' }));
    valueOf(await client.revoke(reader.revoker));

    first.node.child.kill('SIGKILL');
    expect(await first.node.waitForExit()).toEqual({ code: null, signal: 'SIGKILL' });

    const second = await startNode('--id', 'n0', '--listen', `127.0.0.1:${port}`, '--data', data);
    expect(second.ready.objects).toBe(1);
    expect(second.ready.address).toEqual({ host: LOOPBACK, port });
    expect(valueOf(await client.invoke(created.cap, { kind: 'read' }))).toEqual({ kind: 'read', value: 'written before the kill' });
    expect(refusalOf(await client.invoke(reader.cap, { kind: 'read' }))).toBe('Revoked');

    second.node.child.kill('SIGINT');
    expect(await second.node.waitForExit()).toEqual({ code: 0, signal: null });
    expect(second.node.stderrLines.some((line) => line.includes('"msg":"recovered from log"'))).toBe(true);
    expect(second.node.stderrLines.some((line) => line.includes('"msg":"node stopped"'))).toBe(true);
  });

  it('stops cleanly on SIGHUP', async () => {
    const data = join(await temporaryDirectory(), 'n0');
    const { node } = await startNode('--id', 'n0', '--listen', '127.0.0.1:0', '--data', data);

    node.child.kill('SIGHUP');

    expect(await node.waitForExit()).toEqual({ code: 0, signal: null });
    expect(node.stderrLines.some((line) => line.includes('"msg":"node stopped"'))).toBe(true);
    expect(existsSync(join(data, 'LOCK'))).toBe(false);
  });

  it('refuses a data directory another node uses', async () => {
    const data = join(await temporaryDirectory(), 'n0');
    const first = await startNode('--id', 'n0', '--listen', '127.0.0.1:0', '--data', data);

    const second = startShardcap('node', '--id', 'n1', '--listen', '127.0.0.1:0', '--data', data);

    expect(await second.waitForExit()).toEqual({ code: 1, signal: null });
    expect(second.stderrLines.join('\n')).toContain(`data directory ${data} is in use by process ${first.node.pid}`);
    const client = connect({ n0: first.ready.address }).client;
    const created = valueOf(await client.create(nodeId('n0'), 'still served'));
    expect(valueOf(await client.invoke(created.cap, { kind: 'read' }))).toEqual({ kind: 'read', value: 'still served' });
  });

  it('reads its options from a config file', async () => {
    const directory = await temporaryDirectory();
    const config = join(directory, 'n7.json');
    await writeFile(config, JSON.stringify({ id: 'n7', listen: '127.0.0.1:0', data: 'n7-data', peers: { n7: '127.0.0.1:1', n8: '127.0.0.1:2' } }));

    const { node, ready } = await startNode('--config', config);

    expect(ready).toMatchObject({ id: 'n7', data: join(directory, 'n7-data'), objects: 0 });
    expect(ready.address.host).toBe(LOOPBACK);
    const started = node.stderrLines.find((line) => line.includes('"msg":"node started"')) ?? '';
    expect(JSON.parse(started)).toMatchObject({ node: 'n7', peers: ['n8'], address: formatAddress(ready.address) });

    node.child.kill('SIGTERM');
    expect(await node.waitForExit()).toEqual({ code: 0, signal: null });
  });

  it('exits 1 when the port is in use', async () => {
    const holder = createServer();
    servers.push(holder);
    const held = await new Promise<number>((resolve) => {
      holder.listen(0, LOOPBACK, () => {
        const address = holder.address();
        resolve(address !== null && typeof address !== 'string' ? address.port : 0);
      });
    });
    const data = await temporaryDirectory();

    const node = startShardcap('node', '--id', 'n0', '--listen', `127.0.0.1:${held}`, '--data', data);

    expect(await node.waitForExit()).toEqual({ code: 1, signal: null });
    const message = node.stderrLines.join('\n');
    expect(message).toContain(`shardcap node: n0 failed to start: transport n0 cannot listen on 127.0.0.1:${held}`);
    expect(message).toContain('stop the process that holds the port or choose another port');
  });

  it('exits 2 with the message on a bad flag', () => {
    const result = spawnSync(process.execPath, [BIN_PATH, 'node', '--id', 'N0', '--listen', '7400', '--data', 'x'], {
      encoding: 'utf8',
      timeout: PROCESS_WAIT_MS,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('shardcap node: invalid --id "N0"');
    expect(result.stdout).toBe('');
  });
});

// ---------------------------------------------------------------------------------------------
// Option errors, run in this process: they return before any process, port or file is used.

const run = (...argv: string[]): Promise<Captured> => runCommand(argv);

describe('shardcap node and cluster options', () => {
  it('node help names every option', async () => {
    const result = await run('node', '--help');
    expect(result.code).toBe(0);
    for (const text of ['--id', '--listen', '--data', '--peers', '--config', '--help', 'SHARDCAP_LOG', 'mode 0700', 'Port 0']) {
      expect(result.stdout).toContain(text);
    }
  });

  it('cluster help names every option', async () => {
    const result = await run('cluster', '--help');
    expect(result.code).toBe(0);
    for (const text of ['--nodes', '--base-port', '--data', '--help', 'SHARDCAP_LOG', 'default 7400', 'SIGKILL']) {
      expect(result.stdout).toContain(text);
    }
  });

  it('main help lists node and cluster', async () => {
    const result = await run('--help');
    expect(result.stdout).toMatch(/^ {2}node /m);
    expect(result.stdout).toMatch(/^ {2}cluster /m);
  });

  const nodeErrors: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
    [[], 'missing --id'],
    [['--id', 'N0', '--listen', '1', '--data', 'x'], 'invalid --id "N0": use 1 to 32 lowercase letters'],
    [['--id', 'n0', '--data', 'x'], 'missing --listen'],
    [['--id', 'n0', '--listen', '1'], 'missing --data'],
    [['--id', 'n0', '--listen', '127.0.0.1:70000', '--data', 'x'], 'invalid port "70000" in address "127.0.0.1:70000": use an integer from 0 to 65535'],
    [['--id', 'n0', '--listen', 'localhost', '--data', 'x'], 'invalid address "localhost": use HOST:PORT'],
    [['--id', 'n0', '--listen', '127.0.0.1:', '--data', 'x'], 'invalid port ""'],
    [['--id', 'n0', '--listen', '::1:7400', '--data', 'x'], 'invalid address "::1:7400"'],
    [['--id', 'n0', '--listen', '1', '--data', 'x', '--peers', 'n1'], 'invalid peer "n1": use ID=HOST:PORT'],
    [['--id', 'n0', '--listen', '1', '--data', 'x', '--peers', 'N1=127.0.0.1:2'], 'invalid peer id "N1"'],
    [['--id', 'n0', '--listen', '1', '--data', 'x', '--peers', 'n1=127.0.0.1:0'], 'peer n1: invalid port "0"'],
    [['--id', 'n0', '--listen', '1', '--data', 'x', '--peers', 'n1=127.0.0.1:2,n1=127.0.0.1:3'], 'peer n1 is listed twice'],
    [['--id', 'n0', '--listen', '1', '--data', 'x', '--config', '/nonexistent/shardcap.json'], 'cannot read config file /nonexistent/shardcap.json'],
    [['--id', 'n0', '--listen', '1', '--data', 'x', 'extra'], "Unexpected argument 'extra'"],
    [['--frobnicate'], "Unknown option '--frobnicate'"],
  ];
  for (const [argv, message] of nodeErrors) {
    it(`node rejects ${argv.join(' ') || 'no options'}`, async () => {
      const result = await run('node', ...argv);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).toContain("run 'shardcap node --help'");
    });
  }

  const configErrors: ReadonlyArray<readonly [string, string]> = [
    ['{"id": "n0",', 'is not valid JSON'],
    ['[]', 'expected a JSON object with the fields id, listen, data, peers, got an array'],
    ['{"id": "n0", "port": 7400}', 'unknown field "port": use only id, listen, data, peers'],
    ['{"id": "n0", "listen": 7400, "data": "x"}', 'field listen must be string, got 7400'],
    ['{"id": "n0", "listen": "1", "data": "x", "peers": {"n1": 2}}', 'field peers.n1 must be string'],
    ['{"id": "n0", "listen": "1", "data": "x", "peers": {"n1": "127.0.0.1:99999"}}', 'peer n1: invalid port "99999"'],
    ['{"id": "n_0", "listen": "1", "data": "x"}', 'invalid --id "n_0"'],
  ];
  for (const [text, message] of configErrors) {
    it(`node rejects the config ${text}`, async () => {
      const config = join(await temporaryDirectory(), 'node.json');
      await writeFile(config, text);
      const result = await run('node', '--config', config);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
    });
  }

  it('node rejects a directory as config file', async () => {
    const directory = await temporaryDirectory();
    const result = await run('node', '--config', directory);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`config file ${directory} is not a regular file`);
  });

  it('node rejects an invalid SHARDCAP_LOG', async () => {
    const saved = process.env['SHARDCAP_LOG'];
    process.env['SHARDCAP_LOG'] = 'loud';
    try {
      const result = await run('node', '--id', 'n0', '--listen', '1', '--data', 'x');
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('SHARDCAP_LOG: invalid log level "loud"');
    } finally {
      if (saved === undefined) {
        delete process.env['SHARDCAP_LOG'];
      } else {
        process.env['SHARDCAP_LOG'] = saved;
      }
    }
  });

  const clusterErrors: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
    [[], 'missing --nodes'],
    [['--nodes', '0'], 'invalid --nodes "0": use an integer from 1 to 64'],
    [['--nodes', '65'], 'invalid --nodes "65"'],
    [['--nodes', 'three'], 'invalid --nodes "three"'],
    [['--nodes', '3', '--base-port', '70000'], 'invalid --base-port "70000": use an integer from 0 to 65535'],
    [['--nodes', '3', '--base-port=-1'], 'invalid --base-port "-1"'],
    [['--nodes', '2', '--base-port', '65535'], 'the last node would need port 65536, above 65535; use a base port of at most 65534'],
    [['--nodes', '2', '--data', ''], 'invalid --data ""'],
    [['--nodes', '2', 'extra'], "Unexpected argument 'extra'"],
  ];
  for (const [argv, message] of clusterErrors) {
    it(`cluster rejects ${argv.join(' ') || 'no options'}`, async () => {
      const result = await run('cluster', ...argv);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).toContain("run 'shardcap cluster --help'");
    });
  }
});

describe('makeDirectory', () => {
  it('creates missing parents with the mode', async () => {
    const root = await temporaryDirectory();
    const path = join(root, 'a', 'b');
    await makeDirectory(path, 0o700);
    expect((await stat(path)).mode & 0o777).toBe(0o700);
    expect((await stat(join(root, 'a'))).mode & 0o777).toBe(0o700);
    await makeDirectory(path, 0o700);
    expect((await stat(path)).isDirectory()).toBe(true);
  });

  it('rejects a file in the path', async () => {
    const root = await temporaryDirectory();
    await writeFile(join(root, 'file'), '');
    await expect(makeDirectory(join(root, 'file'), 0o700)).rejects.toMatchObject({ code: 'ENOTDIR' });
    await expect(makeDirectory(join(root, 'file', 'below'), 0o700)).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  it.runIf(existsSync('/proc/self'))('ends under procfs', async () => {
    await expect(makeDirectory('/proc/shardcap-missing/data', 0o700)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('RemoteCluster', () => {
  it('draws a new client id per connect', () => {
    const nodes = { n0: { host: LOOPBACK, port: 7400 } };
    const first = connect(nodes);
    const second = connect(nodes);
    expect(first.client.id).toMatch(/^client-[0-9a-f]{16}$/);
    expect(second.client.id).not.toBe(first.client.id);
    expect(first.transport.id).toBe(first.client.id);
  });

  it('rejects an invalid address book', () => {
    expect(() => RemoteCluster.connect({ nodes: { n0: { host: LOOPBACK, port: 0 } } })).toThrow('address of endpoint n0 has invalid port 0');
    expect(() => RemoteCluster.connect({ nodes: { N0: { host: LOOPBACK, port: 7400 } } })).toThrow('invalid node id "N0"');
  });
});
