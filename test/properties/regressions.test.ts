/**
 * Histories that once failed against the reference implementation because of bugs in the
 * harness or the client, each kept as a named case. Every one must pass now.
 */
import { describe, expect, it } from 'vitest';
import { referenceSystemFor } from '../../properties/adapters/reference.ts';
import { checkRun } from '../../properties/distributed/check.ts';
import type { DistributedHistory } from '../../properties/distributed/history.ts';
import { runDistributed } from '../../properties/distributed/run.ts';

const calm = { dropRate: 0, duplicateRate: 0, delayMsMax: 2 };

const verdictOf = async (history: DistributedHistory) => {
  const run = await runDistributed(referenceSystemFor(history), history);
  return { run, verdict: checkRun(run, 100_000) };
};

describe('regressions', () => {
  it('forgery equal to a genuine capability', async () => {
    // Moving the root token to slot 1 gives the fields of the capability derived on slot 1 with
    // the same rights. Its MAC is still the root's, so the owner must reject it as forged.
    const history: DistributedHistory = {
      nodeCount: 4,
      clientCount: 2,
      seed: 25,
      streams: [
        [
          { kind: 'create', node: 0, value: '' },
          { kind: 'derive', cap: 0, rights: ['grant', 'read', 'write'] },
          { kind: 'write', cap: 0, value: '' },
          { kind: 'forge-capability', cap: 0, mutation: 'other-slot' },
          { kind: 'derive', cap: -1, rights: ['grant', 'read', 'write'] },
        ],
        [{ kind: 'read', cap: -1 }],
      ],
      faults: [],
      rates: calm,
    };
    const { run, verdict } = await verdictOf(history);
    expect(verdict.verdict).toBe('pass');
    expect(run.ops.some((op) => op.outcome.kind === 'refused' && op.outcome.refusal._tag === 'Forged')).toBe(true);
  });

  it('amplifying a full capability', async () => {
    // The root already has every right, so "amplifying" it gives the same token, which is no forgery.
    const history: DistributedHistory = {
      nodeCount: 1,
      clientCount: 1,
      seed: 0,
      streams: [
        [
          { kind: 'create', node: 0, value: '' },
          { kind: 'forge-capability', cap: -1, mutation: 'amplify-rights' },
          { kind: 'attenuate', cap: -1, rights: [] },
          { kind: 'derive', cap: 1, rights: [] },
        ],
      ],
      faults: [],
      rates: calm,
    };
    expect((await verdictOf(history)).verdict.verdict).toBe('pass');
  });

  it('fault due after the streams end', async () => {
    // The partition falls due after the last stream operation; it must not cut off the final reads.
    const history: DistributedHistory = {
      nodeCount: 3,
      clientCount: 2,
      seed: 1131453847,
      streams: [
        [
          { kind: 'create', node: 0, value: '' },
          { kind: 'create', node: 0, value: '' },
          { kind: 'attenuate', cap: 0, rights: [] },
        ],
        [{ kind: 'derive', cap: -1, rights: ['grant', 'read', 'write'] }],
      ],
      faults: [{ atMs: 119, fault: { kind: 'partition', client: 0, node: 0, oneWay: false } }],
      rates: { dropRate: 0, duplicateRate: 0, delayMsMax: 50 },
    };
    const { run, verdict } = await verdictOf(history);
    expect(verdict.verdict).toBe('pass');
    expect(run.faults.every((fault) => !fault.applied)).toBe(true);
    expect(run.ops.filter((op) => op.final).every((op) => op.outcome.kind === 'ok')).toBe(true);
  });

  it('operation on an unknown node', async () => {
    // A client sends nothing for an object whose owner is not in the cluster, so such an
    // operation takes no request id and later ids stay aligned with the messages.
    const history: DistributedHistory = {
      nodeCount: 2,
      clientCount: 1,
      seed: 3,
      streams: [
        [
          { kind: 'create', node: 1, value: 'v' },
          { kind: 'forge-capability', cap: 0, mutation: 'unknown-node' },
          { kind: 'read', cap: -1 },
          { kind: 'read', cap: 0 },
          { kind: 'write', cap: 0, value: 'w' },
        ],
      ],
      faults: [],
      rates: calm,
    };
    const { run, verdict } = await verdictOf(history);
    expect(verdict.verdict).toBe('pass');
    const unknown = run.ops.find((op) => op.outcome.kind === 'refused' && op.outcome.refusal._tag === 'UnknownNode');
    expect(unknown?.requestId).toBeNull();
  });

  it('deadline ends the retries', async () => {
    // Near the deadline the client once scheduled ever shorter retries that never reached it.
    const history: DistributedHistory = {
      nodeCount: 1,
      clientCount: 1,
      seed: 9,
      streams: [
        [
          { kind: 'create', node: 0, value: 'v' },
          { kind: 'read', cap: 0 },
          { kind: 'read', cap: 0 },
        ],
      ],
      faults: [{ atMs: 0, fault: { kind: 'partition', client: 0, node: 0, oneWay: true } }],
      rates: calm,
    };
    const { run, verdict } = await verdictOf(history);
    expect(verdict.verdict).toBe('pass');
    expect(run.ops.filter((op) => !op.final).every((op) => op.outcome.kind === 'indeterminate')).toBe(true);
  });

  it('one object id returned by two creates', async () => {
    // An owner that acknowledged a create before syncing it and was then killed numbers the next
    // object the same. The checker threw on the second creation instead of reporting a violation.
    const history: DistributedHistory = {
      nodeCount: 1,
      clientCount: 1,
      seed: 3,
      streams: [
        [
          { kind: 'create', node: 0, value: 'a' },
          { kind: 'create', node: 0, value: 'b' },
          { kind: 'read', cap: -1 },
        ],
      ],
      faults: [],
      rates: calm,
    };
    const { run } = await verdictOf(history);
    const [first, second] = run.ops.filter((op) => op.output?.op === 'create');
    if (first?.output?.op !== 'create' || second?.output?.op !== 'create') {
      throw new Error('the history should have two successful creates');
    }
    const reused = { ...second, output: { ...second.output, object: first.output.object } };
    const verdict = checkRun({ ...run, ops: run.ops.map((op) => (op.id === second.id ? reused : op)) }, 100_000);
    expect(verdict.verdict).toBe('violation');
    expect(verdict.local.map((problem) => problem.message)).toContain(
      `create #${second.id} returned object ${first.output.object}, which create #${first.id} had already returned`,
    );
  });
});
