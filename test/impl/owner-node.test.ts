import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { nodeId, objectId, type NodeId } from '../../model/index.ts';
import { REFERENCE_BEHAVIOUR, type OwnerBehaviour } from '../../impl/owner/behaviour.ts';
import { OwnerNode } from '../../impl/owner/owner.ts';
import type { OwnerLog } from '../../impl/owner/owner-log.ts';
import { encodeRecord } from '../../impl/owner/records.ts';
import { MemoryLogger, type FrameHandler, type Storage, type Transport } from '../../impl/ports.ts';
import { encodeToken, mintCapability, mintRevoker, ownerKey } from '../../impl/token/index.ts';
import { decodeFrame, encodeFrame } from '../../impl/wire/frame.ts';
import { WIRE_VERSION, type RequestBody, type Response, type WireResult } from '../../impl/wire/messages.ts';

const n0 = nodeId('n0');
const n1 = nodeId('n1');
const key = ownerKey(new Uint8Array(32).fill(3));

interface SentFrame {
  readonly to: string;
  readonly frame: Uint8Array;
}

class FakeTransport implements Transport {
  readonly sent: SentFrame[] = [];
  private handler: FrameHandler | undefined;

  send(to: string, frame: Uint8Array): void {
    this.sent.push({ to, frame: frame.slice() });
  }

  onFrame(handler: FrameHandler): void {
    this.handler = handler;
  }

  deliver(from: string, frame: Uint8Array): void {
    if (this.handler === undefined) {
      throw new Error('no frame handler is set: start the owner first');
    }
    this.handler(from, frame);
  }

  /** Returns the responses sent to `to`, in order. */
  responsesTo(to: string): Response[] {
    return this.sent
      .filter((sent) => sent.to === to)
      .map((sent) => decodeFrame(sent.frame))
      .filter(E.isRight)
      .map((decoded) => decoded.right)
      .filter((message): message is Response => message.type === 'response');
  }
}

/** An in-memory log whose syncs succeed at once, fail, or wait until `release()`. */
class FakeLog implements OwnerLog {
  readonly appended: Uint8Array[] = [];
  syncCalls = 0;
  mode: 'resolve' | 'reject' | 'hold' = 'resolve';
  private pending = false;
  private held: Array<() => void> = [];

  get hasPending(): boolean {
    return this.pending;
  }

  append(payload: Uint8Array): void {
    this.appended.push(payload);
    this.pending = true;
  }

  sync(): Promise<void> {
    this.syncCalls += 1;
    if (this.mode === 'reject') {
      return Promise.reject(new Error('disk sync failed: EIO'));
    }
    if (this.mode === 'hold') {
      return new Promise((resolve) => this.held.push(resolve));
    }
    this.pending = false;
    return Promise.resolve();
  }

  release(): void {
    this.pending = false;
    for (const resolve of this.held.splice(0)) {
      resolve();
    }
  }
}

const unusedStorage: Storage = {
  append: () => {
    throw new Error('the owner writes through its log, not its storage');
  },
  sync: () => Promise.reject(new Error('the owner syncs through its log')),
  load: () => Promise.reject(new Error('the owner loads through its log')),
  truncate: () => Promise.reject(new Error('the owner truncates through its log')),
};

interface Harness {
  readonly owner: OwnerNode;
  readonly transport: FakeTransport;
  readonly log: FakeLog;
  readonly logs: MemoryLogger;
}

const startOwner = async (
  options: { records?: ReadonlyArray<Uint8Array>; behaviour?: OwnerBehaviour; node?: NodeId } = {},
): Promise<Harness> => {
  const transport = new FakeTransport();
  const log = new FakeLog();
  const logs = new MemoryLogger();
  const owner = await OwnerNode.start(
    {
      node: options.node ?? n0,
      key,
      openLog: () => Promise.resolve({ log, records: options.records ?? [] }),
      ...(options.behaviour === undefined ? {} : { behaviour: options.behaviour }),
    },
    { transport, storage: unusedStorage, logger: logs },
  );
  return { owner, transport, log, logs };
};

const requestFrame = (id: string, body: RequestBody): Uint8Array =>
  encodeFrame({ type: 'request', version: WIRE_VERSION, id, body });

const responseFrame = (id: string, result: WireResult): Uint8Array =>
  encodeFrame({ type: 'response', version: WIRE_VERSION, id, result });

/** Lets the owner's pending promise callbacks run. */
const settle = async (): Promise<void> => {
  for (let round = 0; round < 5; round += 1) {
    await new Promise((resolve) => setImmediate(resolve));
  }
};

const rootCap = (object = objectId(n0, 0)): string =>
  encodeToken(mintCapability(key, { object, slot: 0, version: 0, rights: ['grant', 'read', 'write'], caveats: [] }));

const relaying: OwnerBehaviour = { ...REFERENCE_BEHAVIOUR, relayForeignRequests: true };

/** The requests of one object's life: create, derive, write and revoke of the derived slot. */
const lifeRequests = (): Array<[string, RequestBody]> => [
  ['c0:1', { op: 'create', node: n0, value: 'v0' }],
  ['c0:2', { op: 'derive', cap: rootCap(), rights: ['read', 'write'] }],
  ['c0:3', { op: 'invoke', cap: rootCap(), action: { kind: 'write', value: 'v1' } }],
  ['c0:4', { op: 'revoke', revoker: encodeToken(mintRevoker(key, { object: objectId(n0, 0), slot: 1, version: 0 })) }],
];

describe('owner node start and recovery', () => {
  it('start logs the node and object count', async () => {
    const { logs } = await startOwner();

    const info = logs.atLevel('info');
    expect(info.map((entry) => entry.message)).toEqual(['owner started']);
    expect(info[0]?.fields).toEqual({ node: 'n0', objects: 0 });
  });

  it('recovery rebuilds the shard and logs it', async () => {
    const records = [
      encodeRecord({ type: 'create', request: 'c0:1', object: objectId(n0, 0), value: 'a' }),
      encodeRecord({ type: 'create', request: 'c0:2', object: objectId(n0, 1), value: 'b' }),
      encodeRecord({ type: 'write', request: 'c0:3', object: objectId(n0, 1), value: 'c' }),
    ];

    const { owner, logs } = await startOwner({ records });

    expect(owner.shard.objects.size).toBe(2);
    expect(owner.shard.objects.get(objectId(n0, 1))?.value).toBe('c');
    expect(owner.shard.nextObjectId()).toBe('n0/2');
    const info = logs.atLevel('info');
    expect(info.map((entry) => entry.message)).toEqual(['recovered from log', 'owner started']);
    expect(info[0]?.fields).toEqual({ node: 'n0', records: 3, objects: 2 });
    expect(info[1]?.fields).toEqual({ node: 'n0', objects: 2 });
  });

  it('retry after restart gets same responses', async () => {
    const before = await startOwner();
    for (const [id, body] of lifeRequests()) {
      before.transport.deliver('c0', requestFrame(id, body));
      await settle();
    }
    const firstAnswers = before.transport.responsesTo('c0');
    expect(firstAnswers.map((response) => response.result.ok)).toEqual([true, true, true, true]);
    expect(before.log.appended).toHaveLength(4);

    const after = await startOwner({ records: before.log.appended });
    for (const [id, body] of lifeRequests()) {
      after.transport.deliver('c0', requestFrame(id, body));
      await settle();
    }

    expect(after.transport.responsesTo('c0')).toEqual(firstAnswers);
    expect(after.log.appended).toHaveLength(0);
    expect(after.owner.stats).toEqual({ requests: 4, duplicates: 4, malformedFrames: 0, syncs: 0 });
    expect(after.owner.shard.objects.get(objectId(n0, 0))?.free).toEqual([1]);
    const debug = after.logs.atLevel('debug');
    expect(debug.map((entry) => entry.message)).toEqual(
      Array.from({ length: 4 }, () => 'responded to a retried request from the completed table'),
    );
    expect(debug[1]?.fields).toEqual({ node: 'n0', peer: 'c0', request: 'c0:2' });
  });

  it('unreadable record stops the start', async () => {
    const records = [
      encodeRecord({ type: 'create', request: 'c0:1', object: objectId(n0, 0), value: 'a' }),
      new TextEncoder().encode('{"type":"erase"}'),
    ];

    await expect(startOwner({ records })).rejects.toThrow(
      'cannot recover node n0: log record 1 is unreadable (log record does not match any known record type); restore the data directory from a backup or move it aside',
    );
  });
});

describe('owner node requests', () => {
  it('counts requests and syncs only pending records', async () => {
    const { owner, transport, log } = await startOwner();

    transport.deliver('c0', requestFrame('c0:1', { op: 'create', node: n0, value: 'v' }));
    await settle();
    expect(owner.stats).toEqual({ requests: 1, duplicates: 0, malformedFrames: 0, syncs: 1 });
    expect(log.syncCalls).toBe(1);

    transport.deliver('c0', requestFrame('c0:2', { op: 'invoke', cap: rootCap(), action: { kind: 'read' } }));
    await settle();
    expect(owner.stats).toEqual({ requests: 2, duplicates: 0, malformedFrames: 0, syncs: 1 });
    expect(log.syncCalls).toBe(1);
    expect(transport.responsesTo('c0')[1]?.result).toEqual({ ok: true, output: { op: 'invoke', result: { kind: 'read', value: 'v' } } });
  });

  it('response waits for the sync', async () => {
    const { transport, log } = await startOwner();
    log.mode = 'hold';

    transport.deliver('c0', requestFrame('c0:1', { op: 'create', node: n0, value: 'v' }));
    await settle();
    expect(transport.sent).toHaveLength(0);

    log.release();
    await settle();
    expect(transport.responsesTo('c0')).toHaveLength(1);
  });

  it('response precedes sync when allowed', async () => {
    const { transport, log } = await startOwner({ behaviour: { ...REFERENCE_BEHAVIOUR, syncBeforeAnswer: false } });
    log.mode = 'hold';

    transport.deliver('c0', requestFrame('c0:1', { op: 'create', node: n0, value: 'v' }));
    await settle();

    expect(transport.responsesTo('c0')).toHaveLength(1);
    expect(log.syncCalls).toBe(1);
  });

  it('failed sync is logged and left unanswered', async () => {
    const { transport, log, logs } = await startOwner();
    log.mode = 'reject';

    transport.deliver('c0', requestFrame('c0:1', { op: 'create', node: n0, value: 'v' }));
    await settle();

    expect(transport.sent).toHaveLength(0);
    const errors = logs.atLevel('error');
    expect(errors.map((entry) => entry.message)).toEqual(['request failed']);
    expect(errors[0]?.fields).toEqual({ node: 'n0', peer: 'c0', request: 'c0:1', error: 'disk sync failed: EIO' });
  });

  it('response sent to an owner is dropped', async () => {
    const { owner, transport, logs } = await startOwner();

    transport.deliver('c1', responseFrame('c1:7', { ok: true, output: { op: 'revoke' } }));
    await settle();

    expect(transport.sent).toHaveLength(0);
    expect(owner.stats.malformedFrames).toBe(1);
    expect(owner.stats.requests).toBe(0);
    const warnings = logs.atLevel('warn');
    expect(warnings.map((entry) => entry.message)).toEqual(['dropped a response sent to an owner']);
    expect(warnings[0]?.fields).toEqual({ node: 'n0', peer: 'c1', request: 'c1:7' });
  });

  it('create for another node is invalid', async () => {
    const { owner, transport, log } = await startOwner();

    transport.deliver('c0', requestFrame('c0:1', { op: 'create', node: n1, value: 'v' }));
    await settle();

    expect(transport.sent.map((sent) => sent.to)).toEqual(['c0']);
    expect(transport.responsesTo('c0')[0]?.result).toEqual({
      ok: 'invalid',
      message: 'create for node n1 was sent to node n0; send it to the node that will own the object',
    });
    expect(log.appended).toHaveLength(0);
    expect(owner.shard.objects.size).toBe(0);
  });

  it('malformed tokens are invalid', async () => {
    const { transport, log } = await startOwner();
    const revoker = encodeToken(mintRevoker(key, { object: objectId(n0, 0), slot: 0, version: 0 }));

    transport.deliver('c0', requestFrame('c0:1', { op: 'derive', cap: revoker, rights: ['read'] }));
    transport.deliver('c0', requestFrame('c0:2', { op: 'revoke', revoker: rootCap() }));
    transport.deliver('c0', requestFrame('c0:3', { op: 'invoke', cap: '!', action: { kind: 'read' } }));
    await settle();

    const results = transport.responsesTo('c0').map((response) => [response.id, response.result]);
    expect(results).toEqual([
      ['c0:1', { ok: 'invalid', message: 'capability token is malformed: expected a capability token, got a revoker token' }],
      ['c0:2', { ok: 'invalid', message: 'revoker token is malformed: expected a revoker token, got a capability token' }],
      ['c0:3', { ok: 'invalid', message: expect.stringMatching(/^capability token is malformed: \S/) }],
    ]);
    expect(log.appended).toHaveLength(0);
  });

  it('reference owner never forwards foreign requests', async () => {
    const { transport } = await startOwner();

    transport.deliver('c0', requestFrame('c0:1', { op: 'derive', cap: rootCap(objectId(n1, 0)), rights: ['read'] }));
    await settle();

    expect(transport.sent.map((sent) => sent.to)).toEqual(['c0']);
    expect(transport.responsesTo('c0')[0]?.result).toEqual({ ok: false, refusal: { _tag: 'Forged', object: 'n1/0' } });
  });
});

describe('relaying owner behaviour', () => {
  it('forwards foreign requests and relays answers', async () => {
    const { owner, transport } = await startOwner({ behaviour: relaying });
    const foreignCreate = requestFrame('c0:1', { op: 'create', node: n1, value: 'v' });
    const foreignDerive = requestFrame('c0:2', { op: 'derive', cap: rootCap(objectId(n1, 0)), rights: ['read'] });
    const foreignRevoke = requestFrame('c0:3', {
      op: 'revoke',
      revoker: encodeToken(mintRevoker(key, { object: objectId(n1, 0), slot: 0, version: 0 })),
    });

    transport.deliver('c0', foreignCreate);
    transport.deliver('c0', foreignDerive);
    transport.deliver('c0', foreignRevoke);
    await settle();

    expect(transport.sent).toEqual([
      { to: 'n1', frame: foreignCreate },
      { to: 'n1', frame: foreignDerive },
      { to: 'n1', frame: foreignRevoke },
    ]);
    expect(owner.stats.requests).toBe(0);

    const answer = responseFrame('c0:1', { ok: true, output: { op: 'revoke' } });
    transport.deliver('n1', answer);
    expect(transport.sent[3]).toEqual({ to: 'c0', frame: answer });

    transport.deliver('n1', answer);
    await settle();
    expect(transport.sent).toHaveLength(4);
    expect(owner.stats.malformedFrames).toBe(1);
  });

  it('retried foreign request is forwarded again', async () => {
    const { transport } = await startOwner({ behaviour: relaying });
    const foreignCreate = requestFrame('c0:1', { op: 'create', node: n1, value: 'v' });

    transport.deliver('c0', foreignCreate);
    transport.deliver('c0', foreignCreate);
    await settle();

    expect(transport.sent).toEqual([
      { to: 'n1', frame: foreignCreate },
      { to: 'n1', frame: foreignCreate },
    ]);
  });

  it('answers its own requests locally', async () => {
    const { owner, transport } = await startOwner({ behaviour: relaying });

    transport.deliver('c0', requestFrame('c0:1', { op: 'create', node: n0, value: 'v' }));
    await settle();
    transport.deliver('c0', requestFrame('c0:2', { op: 'derive', cap: rootCap(), rights: ['read'] }));
    transport.deliver('c0', requestFrame('c0:3', { op: 'invoke', cap: 'not a token', action: { kind: 'read' } }));
    await settle();

    expect(transport.sent.map((sent) => sent.to)).toEqual(['c0', 'c0', 'c0']);
    // The invalid response needs no sync, so it may overtake the derive's response.
    const results = new Map(transport.responsesTo('c0').map((response) => [response.id, response.result.ok]));
    expect(results).toEqual(
      new Map<string, boolean | 'invalid'>([
        ['c0:1', true],
        ['c0:2', true],
        ['c0:3', 'invalid'],
      ]),
    );
    expect(owner.stats.requests).toBe(3);
  });
});
