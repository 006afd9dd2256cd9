import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceSystemFor } from '../../properties/adapters/reference.ts';
import { runCampaign } from '../../properties/distributed/campaign.ts';
import type { DistributedHistory } from '../../properties/distributed/history.ts';
import { encodeRunFile, type RunFileMeta } from '../../properties/distributed/run-file.ts';
import { runDistributed } from '../../properties/distributed/run.ts';
import { mutantNamed } from '../../properties/mutants.ts';
import { runCommand, type Captured } from './support.ts';

const run = (...argv: string[]): Promise<Captured> => runCommand(['recheck', ...argv]);

const META: RunFileMeta = {
  command: 'npx shardcap check --cluster --seed=5 --runs 10',
  seed: 5,
  index: 4,
  deterministic: false,
  recordedAt: '2025-01-31T12:00:00.000Z',
};

const HISTORY: DistributedHistory = {
  nodeCount: 2,
  clientCount: 2,
  seed: 3,
  streams: [
    [
      { kind: 'create', node: 0, value: 'v' },
      { kind: 'derive', cap: 0, rights: ['read'] },
      { kind: 'read', cap: -1 },
      { kind: 'revoke', revoker: -1 },
      { kind: 'read', cap: -1 },
    ],
    [
      { kind: 'create', node: 1, value: 'w' },
      { kind: 'write', cap: -1, value: 'x' },
    ],
  ],
  faults: [{ atMs: 1, fault: { kind: 'crash', node: 1, torn: false } }, { atMs: 3, fault: { kind: 'restart', node: 1 } }],
  rates: { dropRate: 0, duplicateRate: 0, delayMsMax: 2 },
};

let dir = '';
let passFile = '';
let violationFile = '';
let violationOps = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shardcap-recheck-'));

  passFile = join(dir, 'pass.json');
  await writeFile(passFile, encodeRunFile(await runDistributed(referenceSystemFor(HISTORY), HISTORY), META));

  const mutant = mutantNamed('skip-version-check');
  const result = await runCampaign({
    system: (history: DistributedHistory) => referenceSystemFor(history, mutant),
    runs: 300,
    seed: 1,
    generator: {},
    budget: 100_000,
  });
  if (result.failure === null) {
    throw new Error('skip-version-check survived 300 histories with seed 1, so there is no violation to write');
  }
  violationOps = result.failure.run.ops.length;
  violationFile = join(dir, 'violation.json');
  await writeFile(violationFile, encodeRunFile(result.failure.run, { ...META, deterministic: true }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('shardcap recheck', () => {
  it('is listed in the usage', async () => {
    const result = await runCommand(['--help']);
    expect(result.stdout).toContain('recheck');
  });

  it('prints help with every option', async () => {
    const result = await run('--help');
    expect(result.code).toBe(0);
    for (const option of ['FILE', '--budget', '--json', '--help', 'exit status']) {
      expect(result.stdout).toContain(option);
    }
  });

  const usageErrors: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
    [[], 'missing FILE'],
    [['a.json', 'b.json'], 'expected one FILE, got 2: "a.json" "b.json"'],
    [['a.json', '--budget', '0'], 'invalid --budget "0": expected an integer from 1 to 1000000000'],
    [['a.json', '--budget', 'lots'], 'invalid --budget "lots"'],
    [['a.json', '--frobnicate'], "Unknown option '--frobnicate'"],
  ];
  for (const [argv, message] of usageErrors) {
    it(`rejects ${argv.join(' ') || 'no arguments'}`, async () => {
      const result = await run(...argv);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).toContain("run 'shardcap recheck --help'");
    });
  }

  it('passes a passing run', async () => {
    const result = await run(passFile);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`command         ${META.command}`);
    expect(result.stdout).toContain('seed            5');
    expect(result.stdout).toContain('history index   4');
    expect(result.stdout).toContain('recorded at     2025-01-31T12:00:00.000Z');
    expect(result.stdout).toContain('reproducible    no: the run depended on real timing');
    expect(result.stdout).toContain('faults applied  2 of 2 scheduled');
    expect(result.stdout).toContain('verdict         pass');
    expect(result.stdout).not.toContain('violated:');
  });

  it('reports a violation with the trace', async () => {
    const result = await run(violationFile);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('reproducible    yes');
    expect(result.stdout).toContain(`operations      ${violationOps} (`);
    expect(result.stdout).toContain('verdict         violation');
    expect(result.stdout).toContain('violation found; the recorded run:');
    expect(result.stdout).toContain('<-- violation');
    expect(result.stdout).toContain('violated:\n  linearizability of ');
  });

  it('reports an unknown verdict', async () => {
    const result = await run(passFile, '--budget', '1');
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('verdict         unknown');
    expect(result.stdout).toContain('rerun with a larger budget, such as --budget 10');
  });

  it('prints one JSON summary', async () => {
    const result = await run(violationFile, '--json', '--budget', '5000');
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(summary)).toEqual([
      'file',
      'meta',
      'system',
      'nodes',
      'clients',
      'ops',
      'finalReads',
      'faultsScheduled',
      'faultsApplied',
      'messages',
      'budget',
      'verdict',
      'violations',
      'unknownObjects',
    ]);
    expect(summary).toMatchObject({
      file: violationFile,
      meta: { ...META, deterministic: true },
      system: 'mutant:skip-version-check',
      ops: violationOps,
      budget: 5000,
      verdict: 'violation',
      unknownObjects: [],
    });
    const violations = summary['violations'] as ReadonlyArray<Record<string, unknown>>;
    expect(violations.length).toBeGreaterThan(0);
    expect(violations[0]).toMatchObject({ check: 'linearizability' });
    expect(Object.keys(violations[0] ?? {})).toEqual(['check', 'op', 'object', 'message']);
  });

  it('prints a passing JSON summary', async () => {
    const result = await run(passFile, '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ verdict: 'pass', violations: [], faultsApplied: 2, clients: 2 });
  });

  it('passes the example of docs/checker.md', async () => {
    const docs = await readFile(join(import.meta.dirname, '../../docs/checker.md'), 'utf8');
    const section = docs.slice(docs.indexOf('## Recorded run files'));
    const example = /```json\n([\s\S]*?)\n```/.exec(section)?.[1];
    if (example === undefined) {
      throw new Error('docs/checker.md has no json example under "## Recorded run files"');
    }
    const path = join(dir, 'example.json');
    await writeFile(path, example);

    const result = await run(path);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('operations      3 (1 final read)');
  });

  it('rejects an invalid file', async () => {
    const document = JSON.parse(await encodeFileText()) as { run: { ops: Array<{ outcome: { kind: string } }> } };
    const first = document.run.ops[0];
    if (first === undefined) {
      throw new Error('the passing run recorded no operation');
    }
    first.outcome.kind = 'okay';
    const path = join(dir, 'invalid.json');
    await writeFile(path, JSON.stringify(document));

    const result = await run(path);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `shardcap recheck: invalid recorded run file ${path}:\n  run.ops[0].outcome.kind: expected one of "ok", "refused", "indeterminate", "invalid", got "okay"\n`,
    );
  });

  it('rejects a file that is not JSON', async () => {
    const path = join(dir, 'notes.txt');
    await writeFile(path, 'hello');
    const result = await run(path, '--json');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`invalid recorded run file ${path}:\n  not JSON (`);
  });

  it('rejects a file that is not UTF-8', async () => {
    const path = join(dir, 'latin1.json');
    await writeFile(path, Buffer.from([0x7b, 0xe9, 0x7d]));
    const result = await run(path);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${path} is not UTF-8 text`);
  });

  it('rejects a missing file', async () => {
    const path = join(dir, 'absent.json');
    const result = await run(path);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`shardcap recheck: cannot read ${path}: no such file; give the path of a recorded run file\n`);
  });

  it('rejects a directory', async () => {
    const path = join(dir, 'runs');
    await mkdir(path);
    const result = await run(path);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${path} is a directory`);
  });

  // The superuser reads any file whatever its mode.
  it.skipIf(process.getuid?.() === 0)('rejects an unreadable file', async () => {
    const path = join(dir, 'locked.json');
    await writeFile(path, await encodeFileText());
    await chmod(path, 0o000);
    const result = await run(path);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot read ${path}: permission denied`);
  });
});

const encodeFileText = async (): Promise<string> => encodeRunFile(await runDistributed(referenceSystemFor(HISTORY), HISTORY), META);
