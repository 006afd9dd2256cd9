import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RUN_FILE_BYTES_MAX } from '../../impl/limits.ts';
import { initialState } from '../../model/index.ts';
import { referenceSystemFor } from '../../properties/adapters/reference.ts';
import { assertProperty } from '../../properties/check.ts';
import { distributedHistoryArbitrary } from '../../properties/distributed/arbitrary.ts';
import { runCampaign } from '../../properties/distributed/campaign.ts';
import { checkRun } from '../../properties/distributed/check.ts';
import type { DistributedHistory } from '../../properties/distributed/history.ts';
import {
  decodeRunFile,
  encodeRunFile,
  RUN_FILE_FORMAT,
  RUN_FILE_VERSION,
  runFileSizeProblem,
  type DecodedRunFile,
  type RunFileMeta,
} from '../../properties/distributed/run-file.ts';
import { runDistributed, type RecordedRun } from '../../properties/distributed/run.ts';
import { mutantNamed } from '../../properties/mutants.ts';

const FILE = 'test/properties/run-file.test.ts';

const BUDGET = 100_000;

const META: RunFileMeta = {
  command: 'npx shardcap check --cluster --seed=5',
  seed: 5,
  index: 3,
  deterministic: false,
  recordedAt: '2025-01-31T12:00:00.000Z',
};

/** A history with every outcome kind and every fault kind, the cluster's pause, resume and
 * disconnect included: the reference system does not support those, so they stay unapplied. */
const FIXTURE_HISTORY: DistributedHistory = {
  nodeCount: 2,
  clientCount: 2,
  seed: 11,
  streams: [
    [
      { kind: 'create', node: 0, value: 'v' },
      { kind: 'derive', cap: 0, rights: ['read'] },
      { kind: 'read', cap: -1 },
      { kind: 'attenuate', cap: 0, rights: ['read', 'write'] },
      { kind: 'forge-capability', cap: 0, mutation: 'bump-version' },
      { kind: 'read', cap: -1 },
      { kind: 'revoke', revoker: -1 },
      { kind: 'forge-revoker', revoker: 0 },
      { kind: 'revoke', revoker: -1 },
    ],
    // Cut off from n1 for longer than the client's deadline, so the create is indeterminate.
    [
      { kind: 'create', node: 1, value: 'w' },
      { kind: 'write', cap: 0, value: 'x' },
    ],
  ],
  faults: [
    { atMs: 0, fault: { kind: 'partition', client: 1, node: 1, oneWay: true } },
    { atMs: 1, fault: { kind: 'disconnect', client: 1, node: 0 } },
    { atMs: 2, fault: { kind: 'pause', node: 1 } },
    { atMs: 3, fault: { kind: 'resume', node: 1 } },
    { atMs: 30, fault: { kind: 'crash', node: 0, torn: true } },
    { atMs: 40, fault: { kind: 'restart', node: 0 } },
    { atMs: 6_000, fault: { kind: 'heal' } },
  ],
  rates: { dropRate: 0, duplicateRate: 0, delayMsMax: 2 },
};

const fixtureRun = (): Promise<RecordedRun> => runDistributed(referenceSystemFor(FIXTURE_HISTORY), FIXTURE_HISTORY);

const decoded = (text: string): DecodedRunFile => {
  const result = decodeRunFile(text);
  if (E.isLeft(result)) {
    throw new Error(`expected the file to decode, got: ${result.left}`);
  }
  return result.right;
};

const problem = (text: string): string => {
  const result = decodeRunFile(text);
  if (E.isRight(result)) {
    throw new Error('expected the file to be rejected, but it decoded');
  }
  return result.left;
};

type Json = Record<string, any>;

/** Returns the error for the fixture's file after `change` edits its parsed JSON. */
const problemAfter = async (change: (document: Json) => void): Promise<string> => {
  const document = JSON.parse(encodeRunFile(await fixtureRun(), META)) as Json;
  change(document);
  return problem(JSON.stringify(document));
};

describe('recorded run file', () => {
  it('round trips simulator runs', async () => {
    await assertProperty(
      'recorded run file round trip',
      FILE,
      fc.asyncProperty(distributedHistoryArbitrary(), fc.nat(), async (history, index) => {
        const run = await runDistributed(referenceSystemFor(history), history);
        const meta = { ...META, index, deterministic: true };

        const file = decoded(encodeRunFile(run, meta));

        // toEqual, because fast-check builds records without a prototype and JSON.parse with one.
        expect(file.run).toEqual(run);
        expect(file.meta).toEqual(meta);
        expect(checkRun(file.run, BUDGET)).toEqual(checkRun(run, BUDGET));
      }),
      30,
    );
  });

  it('round trips every fault and outcome kind', async () => {
    const run = await fixtureRun();
    const kinds = new Set(run.ops.map((op) => op.outcome.kind));
    expect([...kinds].sort()).toEqual(['indeterminate', 'ok', 'refused']);
    expect(new Set(run.faults.map((fault) => fault.fault.kind)).size).toBe(7);

    const file = decoded(encodeRunFile(run, META));

    expect(file.run).toEqual(run);
    expect(file.run.initialState).toEqual(initialState(run.nodes));
    expect(file.meta).toEqual(META);
  });

  it('writes the documented layout', async () => {
    const run = await fixtureRun();
    const text = encodeRunFile(run, META);
    const document = JSON.parse(text) as Json;

    expect(Object.keys(document)).toEqual(['format', 'version', 'meta', 'run']);
    expect(document['format']).toBe(RUN_FILE_FORMAT);
    expect(document['version']).toBe(RUN_FILE_VERSION);
    expect(document['run']['initialState']).toBeUndefined();
    expect(document['run']['supportedFaults']).toEqual(['crash', 'delay', 'disk', 'drop', 'duplicate', 'partition']);
    expect(text).toContain('\n  "meta": {\n    "command": ');
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('drops fields outside the format', async () => {
    const run = await fixtureRun();
    const [first, ...rest] = run.ops;
    const padded = { ...run, ops: [{ ...first, note: 'kept in memory only' }, ...rest] } as RecordedRun;

    const document = JSON.parse(encodeRunFile(padded, META)) as Json;

    expect(document['run']['ops'][0]['note']).toBeUndefined();
    expect(decoded(JSON.stringify(document)).run).toEqual(run);
  });

  it('keeps a mutant violation', async () => {
    const mutant = mutantNamed('skip-version-check');
    expect(mutant).toBeDefined();
    const result = await runCampaign({
      system: (history: DistributedHistory) => referenceSystemFor(history, mutant),
      runs: 300,
      seed: 1,
      generator: {},
      budget: BUDGET,
    });
    const failure = result.failure;
    if (failure === null) {
      throw new Error('skip-version-check survived 300 histories with seed 1, so there is no violation to round trip');
    }

    const file = decoded(encodeRunFile(failure.run, META));
    const verdict = checkRun(file.run, BUDGET);

    expect(failure.verdict.verdict).toBe('violation');
    expect(verdict.verdict).toBe('violation');
    expect(verdict).toEqual(failure.verdict);
  });
});

describe('recorded run file errors', () => {
  it('rejects text that is not JSON', () => {
    expect(problem('{"format": ')).toMatch(/^not JSON \(.+\); a recorded run file is one JSON object/);
  });

  it('rejects a document that is no object', () => {
    expect(problem('[1, 2]')).toBe(
      '(the document): expected a JSON object with the fields format, version, meta and run, got [1,2]',
    );
  });

  it('rejects another format', async () => {
    const message = await problemAfter((document) => {
      document['format'] = 'shardcap-report';
    });
    expect(message).toBe('format: expected "shardcap-recorded-run", got format "shardcap-report", so this is not a shardcap recorded run file');
  });

  it('rejects a missing format', () => {
    expect(problem('{"version": 1}')).toContain('format: expected "shardcap-recorded-run", got no format field');
  });

  it('rejects a newer version', async () => {
    const message = await problemAfter((document) => {
      document['version'] = RUN_FILE_VERSION + 1;
    });
    expect(message).toBe(
      `version: the file has format version ${RUN_FILE_VERSION + 1}, written by a newer shardcap; upgrade shardcap to read it (this one reads versions up to ${RUN_FILE_VERSION})`,
    );
  });

  it('rejects a version that is no integer', async () => {
    const message = await problemAfter((document) => {
      document['version'] = '1';
    });
    expect(message).toBe('version: expected an integer of at least 1, got "1"');
  });

  it('rejects a bad outcome kind', async () => {
    const message = await problemAfter((document) => {
      document['run']['ops'][1]['outcome']['kind'] = 'okay';
    });
    expect(message).toBe('run.ops[1].outcome.kind: expected one of "ok", "refused", "indeterminate", "invalid", got "okay"');
  });

  it('rejects an invoke result that disagrees', async () => {
    const run = await fixtureRun();
    const read = run.ops.findIndex((op) => op.output?.op === 'invoke' && op.output.result.kind === 'read');
    expect(read).toBeGreaterThanOrEqual(0);

    const message = await problemAfter((document) => {
      document['run']['ops'][read]['outcome']['value']['value'] = 'edited by hand';
    });

    expect(message).toMatch(new RegExp(`^run\\.ops\\[${read}\\]\\.output\\.result: expected \\{"kind":"read","value":"edited by hand"\\}, the value of the outcome, got `));
  });

  it('rejects a node count other than the nodes', async () => {
    const message = await problemAfter((document) => {
      document['run']['history']['nodeCount'] = 1_000_000_000;
    });

    expect(message).toMatch(/^run\.history\.nodeCount: expected [0-9]+, the number of run\.nodes, got 1000000000$/);
  });

  it('rejects a bad field deep inside an op', async () => {
    const run = await fixtureRun();
    const derive = run.ops.findIndex((op) => op.input.op === 'derive');
    expect(derive).toBeGreaterThanOrEqual(0);

    const message = await problemAfter((document) => {
      document['run']['ops'][derive]['input']['cap']['caveats'] = [['read', 'execute']];
    });

    expect(message).toBe(
      `run.ops[${derive}].input.cap.caveats[0]: expected an array of distinct rights out of "grant", "read", "write", got ["read","execute"]`,
    );
  });

  it('rejects a bad refusal', async () => {
    const run = await fixtureRun();
    const refused = run.ops.findIndex((op) => op.outcome.kind === 'refused');
    expect(refused).toBeGreaterThanOrEqual(0);

    const unknownTag = await problemAfter((document) => {
      document['run']['ops'][refused]['outcome']['refusal']['_tag'] = 'Nope';
    });
    const extraField = await problemAfter((document) => {
      document['run']['ops'][refused]['outcome']['refusal']['why'] = 'because';
    });

    const badSlot = await problemAfter((document) => {
      document['run']['ops'][refused]['outcome']['refusal'] = { _tag: 'Revoked', object: 'n0/0', slot: -1 };
    });

    expect(unknownTag).toMatch(new RegExp(`^run\\.ops\\[${refused}\\]\\.outcome\\.refusal\\._tag: expected one of "UnknownNode", .*"NotCrashed", got "Nope"$`));
    expect(extraField).toBe(`run.ops[${refused}].outcome.refusal.why: unknown field; remove it or correct its spelling`);
    expect(badSlot).toBe(`run.ops[${refused}].outcome.refusal.slot: expected a non-negative integer, got -1`);
  });

  it('rejects a duplicate op id', async () => {
    const message = await problemAfter((document) => {
      document['run']['ops'][2]['id'] = 0;
    });
    expect(message).toBe('run.ops[2].id: duplicate op id 0, also at run.ops[0]; number the operations 0, 1, 2, ... in order');
  });

  it('rejects a message from an unknown endpoint', async () => {
    const message = await problemAfter((document) => {
      document['run']['messages'][0]['from'] = 'zz';
    });
    expect(message).toMatch(/^run\.messages\[0\]\.from: expected a node of run\.nodes or a client c0 to c[0-9]+, got "zz"$/);
  });

  it('rejects an op id out of order', async () => {
    const message = await problemAfter((document) => {
      document['run']['ops'][2]['id'] = 99;
    });
    expect(message).toBe('run.ops[2].id: expected 2, the position of the operation, got 99; number the operations 0, 1, 2, ... in order');
  });

  it('rejects a client outside the history', async () => {
    const message = await problemAfter((document) => {
      document['run']['ops'][0]['client'] = 2;
    });
    expect(message).toBe('run.ops[0].client: expected a client below run.history.clientCount (2), got 2');
  });

  it('rejects a stream count mismatch', async () => {
    const message = await problemAfter((document) => {
      document['run']['history']['streams'].pop();
    });
    expect(message).toBe('run.history.streams: expected one stream per client (run.history.clientCount is 2), got 1');
  });

  it('rejects a misspelled field', async () => {
    const message = await problemAfter((document) => {
      const op = document['run']['ops'][0];
      op['endMS'] = op['endMs'];
      delete op['endMs'];
    });
    expect(message.split('\n')).toEqual([
      'run.ops[0].endMS: unknown field; remove it or correct its spelling',
      'run.ops[0].endMs: missing, expected a finite number or null',
    ]);
  });

  it('rejects a wrong kind of value', async () => {
    const object = await problemAfter((document) => {
      document['run']['ops'][0]['object'] = 5;
    });
    const time = await problemAfter((document) => {
      document['run']['ops'][0]['startMs'] = 'soon';
    });
    const recorded = await problemAfter((document) => {
      document['meta']['recordedAt'] = 'yesterday';
    });
    expect(object).toBe('run.ops[0].object: expected an object id "<owner node id>/<serial>" or null, got 5');
    expect(time).toBe('run.ops[0].startMs: expected a finite number, got "soon"');
    expect(recorded).toBe('meta.recordedAt: expected an ISO 8601 time such as "2025-01-31T12:00:00.000Z", got "yesterday"');
  });

  it('rejects an infinite time', async () => {
    // JSON.parse reads a number too large for a double as Infinity.
    const run = await fixtureRun();
    const text = encodeRunFile(run, META).replace(/"startMs": [0-9.e+-]+,/, '"startMs": 1e999,');
    expect(problem(text)).toBe('run.ops[0].startMs: expected a finite number, got Infinity');
  });

  it('rejects an unknown fault kind', async () => {
    const message = await problemAfter((document) => {
      document['run']['faults'][0]['fault']['kind'] = 'flood';
    });
    expect(message).toBe(
      'run.faults[0].fault.kind: expected one of "crash", "restart", "partition", "heal", "pause", "resume", "disconnect", got "flood"',
    );
  });

  it('rejects a duplicate node or fault kind', async () => {
    const nodes = await problemAfter((document) => {
      document['run']['nodes'] = ['n0', 'n0'];
    });
    const faults = await problemAfter((document) => {
      document['run']['supportedFaults'] = ['crash', 'crash'];
    });
    expect(nodes).toBe('run.nodes[1]: duplicate node id "n0", also at run.nodes[0]; give every node a distinct id');
    expect(faults).toBe('run.supportedFaults[1]: expected no value twice, got "crash"');
  });

  it('rejects outputs that disagree with the outcome', async () => {
    const run = await fixtureRun();
    const indeterminate = run.ops.findIndex((op) => op.outcome.kind === 'indeterminate');
    expect(indeterminate).toBeGreaterThanOrEqual(0);

    const missingOutput = await problemAfter((document) => {
      document['run']['ops'][0]['output'] = null;
    });
    const endOfIndeterminate = await problemAfter((document) => {
      document['run']['ops'][indeterminate]['endMs'] = 1;
    });
    const wrongKind = await problemAfter((document) => {
      document['run']['ops'][0]['kind'] = 'read';
    });

    expect(missingOutput).toBe("run.ops[0].output: expected the model's output for an ok outcome, got null");
    expect(endOfIndeterminate).toBe(`run.ops[${indeterminate}].endMs: expected null for an indeterminate outcome, got 1`);
    expect(wrongKind).toBe('run.ops[0].kind: expected "create" for this input, got "read"');
  });

  it('rejects an end before the start', async () => {
    const message = await problemAfter((document) => {
      const op = document['run']['ops'][0];
      op['endMs'] = op['startMs'];
      op['startMs'] = op['startMs'] + 0.5;
    });
    expect(message).toMatch(/^run\.ops\[0\]\.endMs: expected a time no earlier than startMs \(.+\), got .+$/);
  });

  it('rejects an op time outside the run', async () => {
    const message = await problemAfter((document) => {
      document['run']['ops'][0]['startMs'] = 1e308;
    });
    expect(message).toMatch(/^run\.ops\[0\]\.startMs: expected a time within the run, from run\.startMs \(.+\) to run\.endMs \(.+\), got 1e\+308/);
  });

  it('reports only an end before the run start', async () => {
    const message = await problemAfter((document) => {
      document['run']['endMs'] = document['run']['startMs'] - 1;
    });
    expect(message).toMatch(/^run\.endMs: expected a time no earlier than run\.startMs \(.+\), got .+$/);
  });

  it('rejects a message outside the run', async () => {
    const message = await problemAfter((document) => {
      document['run']['messages'][0]['timeMs'] = -3;
    });
    expect(message).toMatch(/^run\.messages\[0\]\.timeMs: expected a time within the run, from run\.startMs \(.+\) to run\.endMs \(.+\), got -3/);
  });

  it('rejects a scheduled fault before the run', async () => {
    const message = await problemAfter((document) => {
      document['run']['history']['faults'][0]['atMs'] = -7;
    });
    expect(message).toMatch(/^run\.history\.faults\[0\]\.atMs: expected 0 or more milliseconds after run\.startMs, got -7/);
  });

  it('rejects a fault before the run', async () => {
    const message = await problemAfter((document) => {
      document['run']['faults'][0]['atMs'] = -100;
    });
    expect(message).toMatch(/^run\.faults\[0\]\.atMs: expected 0 or more milliseconds after run\.startMs, got -100/);
  });

  it('lists at most ten problems', async () => {
    const message = await problemAfter((document) => {
      for (const op of document['run']['ops']) {
        op['final'] = 'no';
        op['returnedMs'] = 'later';
      }
    });
    const lines = message.split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('run.ops[0].returnedMs: expected a finite number, got "later"');
    expect(lines[1]).toBe('run.ops[0].final: expected true or false, got "no"');
    expect(lines[10]).toMatch(/^\.\.\. and \d+ more problems$/);
  });

  it('limits the file size', () => {
    expect(runFileSizeProblem(RUN_FILE_BYTES_MAX)).toBeNull();
    expect(runFileSizeProblem(RUN_FILE_BYTES_MAX + 1)).toContain(`more than the ${RUN_FILE_BYTES_MAX} bytes`);
  });
});
