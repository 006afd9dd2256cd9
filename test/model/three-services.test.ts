/**
 * The worked example of docs/spec.md: a storage node owns a bucket, a GPU node owns a job queue
 * and a model-serving node owns a model. Each step below is one model call, and each test checks
 * one of the results that the spec shows for it.
 */
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  attenuate,
  crash,
  create,
  derive,
  effectiveRights,
  initialState,
  invoke,
  nodeId,
  restart,
  revoke,
} from '../../model/index.ts';
import { succeeded } from './support.ts';

const READ = { kind: 'read' } as const;

const storage = nodeId('storage');
const gpu = nodeId('gpu');
const serving = nodeId('serving');

// Step 1: each service creates its object and keeps the root capability.
const start = initialState([storage, gpu, serving]);
const [afterBucket, bucket] = succeeded(create(start, { node: storage, value: 'images-2025-01' }));
const [afterQueue, queue] = succeeded(create(afterBucket, { node: gpu, value: 'job-17: queued' }));
const [afterModel, model] = succeeded(create(afterQueue, { node: serving, value: 'classifier-v3' }));

// Step 2: storage derives a separately revocable read-only child for the model server. The
// child keeps `grant` so that the model server can pass read access on, but it can never write.
const [afterDerive, servingGrant] = succeeded(derive(afterModel, { cap: bucket.cap, rights: ['grant', 'read'] }));

// Step 3: the model server attenuates its capability offline for a GPU job.
const attenuated = attenuate(afterDerive, { cap: servingGrant.cap, rights: ['read'] });
const [afterAttenuate, jobGrant] = succeeded(attenuated);

// Step 4: the GPU job reads the bucket, and cannot write it.
const jobRead = invoke(afterAttenuate, { cap: jobGrant.cap, action: READ });
const jobWrite = invoke(afterAttenuate, { cap: jobGrant.cap, action: { kind: 'write', value: 'x' } });

// Step 5: storage revokes the model server's slot.
const [afterRevoke] = succeeded(revoke(afterAttenuate, { revoker: servingGrant.revoker }));

// Step 6: the GPU node crashes.
const [afterCrash] = succeeded(crash(afterRevoke, { node: gpu }));

// Step 7: the GPU node restarts.
const [afterRestart] = succeeded(restart(afterCrash, { node: gpu }));

describe('three services: create', () => {
  it('storage owns the bucket', () => {
    expect(bucket.object).toBe('storage/0');
  });

  it('gpu owns the job queue', () => {
    expect(queue.object).toBe('gpu/0');
  });

  it('serving owns the model', () => {
    expect(model.object).toBe('serving/0');
  });
});

describe('three services: derive for the model server', () => {
  it('child capability is on slot 1 with grant and read', () => {
    expect(servingGrant.cap).toStrictEqual({
      object: 'storage/0',
      slot: 1,
      version: 0,
      rights: ['grant', 'read'],
      caveats: [],
    });
  });

  it('child revoker names slot 1 at version 0', () => {
    expect(servingGrant.revoker).toStrictEqual({ object: 'storage/0', slot: 1, version: 0 });
  });

  it('derive changes only the storage node entry', () => {
    const changed = [...afterDerive.nodes].filter(([node, entry]) => afterModel.nodes.get(node) !== entry);
    expect(changed.map(([node]) => node)).toStrictEqual([storage]);
  });
});

describe('three services: attenuate for the GPU job', () => {
  it('job capability carries a read caveat', () => {
    expect(jobGrant.cap).toStrictEqual({ ...servingGrant.cap, caveats: [['read']] });
  });

  it('job capability grants read only', () => {
    expect(effectiveRights(jobGrant.cap)).toStrictEqual(['read']);
  });

  it('attenuate changes no state', () => {
    expect(afterAttenuate).toBe(afterDerive);
  });

  it('GPU job reads the bucket', () => {
    expect(jobRead).toStrictEqual(E.right([afterAttenuate, { kind: 'read', value: 'images-2025-01' }]));
  });

  it('GPU job cannot write the bucket', () => {
    expect(jobWrite).toStrictEqual(E.left({ _tag: 'MissingRight', right: 'write', held: ['read'] }));
  });
});

describe('three services: storage revokes the model server', () => {
  it('model server copy is refused', () => {
    expect(invoke(afterRevoke, { cap: servingGrant.cap, action: READ })).toStrictEqual(
      E.left({ _tag: 'Revoked', object: 'storage/0', slot: 1 }),
    );
  });

  it('GPU job copy is refused', () => {
    expect(invoke(afterRevoke, { cap: jobGrant.cap, action: READ })).toStrictEqual(
      E.left({ _tag: 'Revoked', object: 'storage/0', slot: 1 }),
    );
  });

  it('storage root is still valid', () => {
    expect(succeeded(invoke(afterRevoke, { cap: bucket.cap, action: READ }))[1]).toStrictEqual({
      kind: 'read',
      value: 'images-2025-01',
    });
  });
});

describe('three services: the GPU node crashes', () => {
  it('job queue is unavailable', () => {
    expect(invoke(afterCrash, { cap: queue.cap, action: READ })).toStrictEqual(
      E.left({ _tag: 'OwnerUnavailable', node: gpu }),
    );
  });

  it('bucket is still readable', () => {
    expect(succeeded(invoke(afterCrash, { cap: bucket.cap, action: READ }))[1]).toStrictEqual({
      kind: 'read',
      value: 'images-2025-01',
    });
  });

  it('model is still readable', () => {
    expect(succeeded(invoke(afterCrash, { cap: model.cap, action: READ }))[1]).toStrictEqual({
      kind: 'read',
      value: 'classifier-v3',
    });
  });

  it('storage and serving entries are unchanged', () => {
    expect([afterCrash.nodes.get(storage), afterCrash.nodes.get(serving)]).toStrictEqual([
      afterRevoke.nodes.get(storage),
      afterRevoke.nodes.get(serving),
    ]);
  });
});

describe('three services: the GPU node restarts', () => {
  it('restart restores the state before the crash', () => {
    expect(afterRestart).toStrictEqual(afterRevoke);
  });

  it('job queue is readable again', () => {
    expect(succeeded(invoke(afterRestart, { cap: queue.cap, action: READ }))[1]).toStrictEqual({
      kind: 'read',
      value: 'job-17: queued',
    });
  });

  it('revoked GPU job copy stays refused', () => {
    expect(invoke(afterRestart, { cap: jobGrant.cap, action: READ })).toStrictEqual(
      E.left({ _tag: 'Revoked', object: 'storage/0', slot: 1 }),
    );
  });
});
