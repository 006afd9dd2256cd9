/**
 * `shardcap check --cluster` against real node processes on 127.0.0.1: the reference passes with
 * kill -9, SIGSTOP and dropped connections, a mutant that responds before its log sync is caught,
 * and its failing run is kept in a file that `shardcap recheck` reads. The runs use real timing,
 * so the fault counts vary between runs; the assertions hold for any timing.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRunFile } from '../../properties/distributed/run-file.ts';
import { fileURLToPath } from 'node:url';
import { runCommand, spawnShardcap, type Captured } from './support.ts';

const BIN_PATH = fileURLToPath(new URL('../../impl/cli/bin.mjs', import.meta.url));

/** Maximum time a stop after SIGINT or SIGTERM may take, in milliseconds: the nodes get SIGTERM and sync their logs. */
const NODE_STOP_MS = 15_000;

/** Time for a whole cluster campaign, in milliseconds: starting 3 node processes and a restart per kill. */
const CAMPAIGN_TIMEOUT_MS = 120_000;

const summaryOf = (stdout: string): Record<string, unknown> => JSON.parse(stdout.trim()) as Record<string, unknown>;

/** Writes `text` to a script file `name` in a new temporary directory, runs `shardcap` with the
 * arguments `argv(path)` returns, and removes the directory. */
const runWithScript = async (name: string, text: string, argv: (path: string) => string[]): Promise<Captured> => {
  const directory = await mkdtemp(join(tmpdir(), 'shardcap-node-script-'));
  const path = join(directory, name);
  await writeFile(path, text);
  try {
    return await runCommand(argv(path));
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
};

describe('check --cluster', () => {
  it(
    'the reference passes on 3 processes with kill -9, SIGSTOP and dropped connections',
    async () => {
      const result = await runCommand(['check', '--cluster', '--nodes', '3', '--runs', '12', '--seed=20261204', '--json']);

      expect(result.stderr).toBe('');
      const summary = summaryOf(result.stdout);
      expect(result.code).toBe(0);
      expect(summary['violations']).toBe(0);
      expect(summary['nodeExits']).toEqual([]);
      expect(summary['cluster']).toEqual({ nodes: 3, deterministic: false });
      const faults = summary['faults'] as Record<string, number>;
      // Twelve histories of up to eight fault episodes each; several kills land while clients run.
      expect(faults['crash']).toBeGreaterThanOrEqual(3);
      expect((faults['pause'] ?? 0) + (faults['disconnect'] ?? 0)).toBeGreaterThanOrEqual(2);
      expect(summary['ops'] as number).toBeGreaterThan(200);
    },
    CAMPAIGN_TIMEOUT_MS,
  );

  it(
    'catches an owner that responds before its log sync, and keeps the run for recheck',
    async () => {
      const result = await runCommand([
        'check',
        '--cluster',
        '--impl',
        'mutant:ack-before-sync',
        '--faults',
        'crash',
        '--runs',
        '100',
        '--seed=11',
        '--json',
      ]);

      const summary = summaryOf(result.stdout);
      expect(result.code).toBe(1);
      expect(summary['violations']).toBe(1);
      const kept = summary['kept'];
      expect(typeof kept).toBe('string');
      try {
        const decoded = decodeRunFile(await readFile(kept as string, 'utf8'));
        if (decoded._tag === 'Left') {
          throw new Error(decoded.left);
        }
        expect(decoded.right.meta.deterministic).toBe(false);
        expect(decoded.right.run.system).toBe('mutant:ack-before-sync');

        const recheck = await runCommand(['recheck', kept as string]);
        expect(recheck.code).toBe(1);
      } finally {
        await rm(kept as string, { force: true });
      }
    },
    CAMPAIGN_TIMEOUT_MS,
  );

  it(
    'starts the nodes with --node-command',
    async () => {
      // A mutant started through the command proves that the command, not the built-in node, runs.
      const command = [process.execPath, BIN_PATH, 'node', '--id', '{id}', '--listen', '{listen}', '--data', '{data}', '--peers', '{peers}'];
      const result = await runCommand([
        'check',
        '--cluster',
        '--faults',
        'crash',
        '--runs',
        '100',
        '--seed=12',
        '--json',
        '--node-command',
        [...command, '--impl', 'mutant:ack-before-sync'].join(' '),
      ]);

      const summary = summaryOf(result.stdout);
      expect(result.code).toBe(1);
      expect(summary['impl']).toBe('command:node');
      await rm(summary['kept'] as string, { force: true });
    },
    CAMPAIGN_TIMEOUT_MS,
  );

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    'stops the cluster and exits on %s',
    async (signal, status) => {
      const { child, output, exited } = spawnShardcap(['check', '--cluster', '--runs', '500', '--seed=3']);
      while (!output.stderr.includes('histories against reference') && child.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // Time for the nodes to start and the first histories to run.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const signalledAt = Date.now();
      child.kill(signal);
      const code = await exited;

      expect(code).toBe(status);
      expect(Date.now() - signalledAt).toBeLessThan(NODE_STOP_MS);
      expect(output.stderr).toContain(`interrupted by ${signal}; the history in progress was not checked and the cluster is stopped`);
      expect(output.stderr).not.toContain('exited on its own');
      expect(output.stdout).toMatch(/histories +[0-9]+/);
      expect(output.stdout).toMatch(new RegExp(`interrupted by ${signal} after [0-9]+ checked histor(y|ies) of 500`));
      expect(output.stdout).not.toContain('all histories passed');
    },
    CAMPAIGN_TIMEOUT_MS,
  );

  it.each([
    [['--node-command', 'x', '--impl', 'mutant:no-dedup'], '--node-command replaces: drop --impl'],
    [['--node-command', ' '], 'invalid --node-command'],
    [['--impl', 'model'], '--impl model has no processes'],
    [['--faults', 'drop'], 'drop is a fault of the simulator only, so run without --cluster for it'],
    [['--replay=1:0'], "re-check its kept run with 'shardcap recheck FILE'"],
    [['--nodes', '17'], 'invalid --nodes "17": expected an integer from 1 to 16'],
  ])('rejects %j with exit status 2 and starts no process', async (extra, message) => {
    const result = await runCommand(['check', '--cluster', ...extra]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  it.each([
    [`${process.execPath} ${BIN_PATH} node --id {id} --listen 127.0.0.1:0 --data {data}`, /node n0 listens on 127\.0\.0\.1:[0-9]+, not on 127\.0\.0\.1:[0-9]+, the address it was given/],
    ['/nonexistent/shardcap-node', /node n0 ended before it printed its ready line: failed to start a process \(spawn \/nonexistent\/shardcap-node ENOENT\)/],
  ])('a node command that cannot serve is a usage error: %s', async (command, message) => {
    const result = await runCommand(['check', '--cluster', '--nodes', '1', '--runs', '1', '--node-command', command]);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it(
    'a node that fails to restart ends the run',
    async () => {
      // The script starts the real node the first time and exits at once when it is run again on
      // the same data directory, as a node whose recovery fails would.
      const result = await runWithScript(
        'node-once.sh',
        `if [ -e "$3/started" ]; then echo "recovery failed" >&2; exit 3; fi\ntouch "$3/started"\nexec "${process.execPath}" "${BIN_PATH}" node --id "$1" --listen "$2" --data "$3" --peers "$4"\n`,
        (script) => ['check', '--cluster', '--faults', 'crash', '--runs', '100', '--node-command', `sh ${script} {id} {listen} {data} {peers}`],
      );

      // The exit ends the history at once. Depending on whether the final phase was already
      // waiting for the node, it is reported as a failed restart or as a node that exited on its own.
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/node n[0-9] (ended before it printed its ready line|\(pid [0-9]+\) exited on its own): exit code 3/);
      expect(result.stderr).toContain('recovery failed');
    },
    CAMPAIGN_TIMEOUT_MS,
  );

  it(
    'passes with a wrapper script that lacks exec',
    async () => {
      // The node runs as a child of sh, so every kill, pause and stop must reach the whole
      // process group. A kill of sh alone would leave the node running with its port and data.
      const result = await runWithScript(
        'wrapper.sh',
        `"${process.execPath}" "${BIN_PATH}" node --id "$1" --listen "$2" --data "$3" --peers "$4"\n`,
        (script) => [
          'check', '--cluster', '--faults', 'crash,pause', '--runs', '6', '--seed', '4', '--json',
          '--node-command', `sh ${script} {id} {listen} {data} {peers}`,
        ],
      );

      const summary = summaryOf(result.stdout);
      expect(result.code).toBe(0);
      expect(summary['runs']).toBe(6);
      expect((summary['faults'] as { crash: number }).crash).toBeGreaterThan(0);
    },
    CAMPAIGN_TIMEOUT_MS,
  );

  it(
    'names the protocol errors of a node',
    async () => {
      // The node prints its ready line and writes a frame header that announces 4 GiB on every
      // connection. It exits on its own a moment after the first one, which ends the history.
      const result = await runWithScript(
        'garbage-node.mjs',
        [
          "import { createServer } from 'node:net';",
          "const [id, listen, data] = process.argv.slice(2);",
          "const [host, port] = [listen.slice(0, listen.lastIndexOf(':')), Number(listen.slice(listen.lastIndexOf(':') + 1))];",
          "createServer((socket) => { socket.on('error', () => {}); socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff])); setTimeout(() => process.exit(5), 300); })",
          "  .listen(port, host, () => console.log(`${id} listening on ${listen} pid ${process.pid} objects 0 data ${data}`));",
          "process.on('disconnect', () => process.exit(0));",
        ].join('\n'),
        (script) => [
          'check', '--cluster', '--nodes', '1', '--faults', 'none', '--runs', '1', '--seed', '2', '--json',
          '--node-command', `${process.execPath} ${script} {id} {listen} {data}`,
        ],
      );

      const summary = summaryOf(result.stdout);
      const errors = summary['protocolErrors'] as Array<{ node: string; reason: string; count: number }>;
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('the checking clients saw protocol errors');
      expect(errors[0]?.node).toBe('n0');
      expect(errors[0]?.reason).toContain('frame length 4294967295 exceeds the maximum');
      expect(errors[0]?.count).toBeGreaterThan(0);
      expect(result.stderr).toMatch(/node n0 \(pid [0-9]+\) exited on its own: exit code 5/);
    },
    CAMPAIGN_TIMEOUT_MS,
  );

  it('rejects --node-command without --cluster', async () => {
    const result = await runCommand(['check', '--node-command', 'mynode {id}']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--node-command starts the nodes of a local cluster: add --cluster');
  });

  it('rejects the faults of a cluster on the simulator', async () => {
    const result = await runCommand(['check', '--faults', 'pause']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pause is a fault of a local cluster only, so add --cluster for it');
  });

  it('node rejects an unknown --impl', async () => {
    const result = await runCommand(['node', '--id', 'n0', '--listen', '127.0.0.1:0', '--data', '/nonexistent/never-created', '--impl', 'mutant:nope']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown --impl "mutant:nope"');
    expect(existsSync('/nonexistent/never-created')).toBe(false);
  });
});
