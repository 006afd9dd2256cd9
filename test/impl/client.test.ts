import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { nodeId, objectId, unknownNode } from '../../model/index.ts';
import { Client, type ClientOptions } from '../../impl/client/client.ts';
import { MemoryLogger, type Random } from '../../impl/ports.ts';
import { SimWorld, type EndpointPorts } from '../../impl/sim/world.ts';
import { encodeToken, mintCapability, mintRevoker, ownerKey } from '../../impl/token/index.ts';
import { decodeFrame, encodeFrame } from '../../impl/wire/frame.ts';
import { WIRE_VERSION, type Request, type WireResult } from '../../impl/wire/messages.ts';

const N0 = nodeId('n0');

const KEY = ownerKey(new Uint8Array(32).fill(0x33));

const cap = encodeToken(mintCapability(KEY, { object: objectId(N0, 1), slot: 0, version: 0, rights: ['grant', 'read', 'write'], caveats: [] }));

const revoker = encodeToken(mintRevoker(KEY, { object: objectId(N0, 1), slot: 0, version: 0 }));

/** Random source whose every float is `value`, so each retry delay is exactly backoff * (0.5 + value / 2). */
const fixedRandom = (value: number): Random => ({
  nextFloat: () => value,
  nextUint32: () => {
    throw new Error('the client draws only floats');
  },
  bytes: () => {
    throw new Error('the client draws only floats');
  },
  int: () => {
    throw new Error('the client draws only floats');
  },
});

/** Result that the scripted owner sends for a request, or `undefined` to send nothing. */
type Answer = (request: Request) => WireResult | undefined;

interface Setup {
  readonly world: SimWorld;
  readonly client: Client;
  readonly logger: MemoryLogger;
  readonly owner: EndpointPorts;
  /** Simulated times at which the client sent a frame. */
  readonly sends: number[];
  readonly run: <T>(operation: Promise<T>) => Promise<T>;
}

/** Builds a client `c0` with a fixed jitter of 0.5 and one scripted node `n0`, on a lossless network. */
const setup = (answer: Answer, options: Partial<ClientOptions> = {}): Setup => {
  const world = new SimWorld({ seed: 7, network: { dropRate: 0, duplicateRate: 0, delayMsMin: 1, delayMsMax: 1 } });
  const owner = world.addEndpoint('n0');
  owner.transport.onFrame((from, frame) => {
    const decoded = decodeFrame(frame);
    if (E.isLeft(decoded) || decoded.right.type !== 'request') {
      throw new Error(`scripted owner got an unexpected frame from ${from}`);
    }
    const result = answer(decoded.right);
    if (result !== undefined) {
      owner.transport.send(from, encodeFrame({ type: 'response', version: WIRE_VERSION, id: decoded.right.id, result }));
    }
  });

  const ports = world.addEndpoint('c0');
  const sends: number[] = [];
  const logger = new MemoryLogger();
  const transport = {
    send: (to: string, frame: Uint8Array): void => {
      sends.push(world.clock.now());
      ports.transport.send(to, frame);
    },
    onFrame: ports.transport.onFrame.bind(ports.transport),
  };
  const client = new Client(
    { clock: ports.clock, random: fixedRandom(0.5), transport, logger },
    { id: 'c0', nodes: [N0], retryDelayMsMin: 40, retryDelayMsMax: 100, deadlineMs: 200, ...options },
  );
  return { world, client, logger, owner, sends, run: (operation) => world.clock.runUntilSettled(operation) };
};

const silent: Answer = () => undefined;

describe('client retries and deadline', () => {
  it('doubles the delay, then stops at the deadline', async () => {
    const { world, client, logger, sends, run } = setup(silent);

    const outcome = await run(client.invoke(cap, { kind: 'read' }));

    // Delays are 0.75 of the backoff: 40 -> 30, 80 -> 60, then 100 -> 75 from the third retry on.
    // At 165 only 35 ms are left, less than the next delay, so the last wait ends at the deadline.
    expect(sends).toEqual([0, 30, 90, 165]);
    expect(outcome).toEqual({ kind: 'indeterminate', reason: 'no answer from n0 within 200 ms' });
    expect(world.clock.now()).toBe(200);
    expect(client.stats).toEqual({ requests: 1, retries: 3, indeterminate: 1, malformedFrames: 0 });
    expect(logger.atLevel('debug')).toEqual(
      [1, 2, 3].map((attempt) => ({
        level: 'debug',
        fields: { client: 'c0', node: 'n0', request: 'c0:0', attempt },
        message: 'retrying request',
      })),
    );
    expect(logger.atLevel('warn')).toEqual([
      { level: 'warn', fields: { client: 'c0', node: 'n0', request: 'c0:0', attempts: 4 }, message: 'request deadline passed' },
    ]);
  });

  it('does not retry when the next delay ends exactly at the deadline', async () => {
    const { world, client, sends, run } = setup(silent, { deadlineMs: 30 });

    const outcome = await run(client.revoke(revoker));

    expect(sends).toEqual([0]);
    expect(world.clock.now()).toBe(30);
    expect(outcome).toEqual({ kind: 'indeterminate', reason: 'no answer from n0 within 30 ms' });
    expect(client.stats).toEqual({ requests: 1, retries: 0, indeterminate: 1, malformedFrames: 0 });
  });

  it('counts each request once however often it is sent', async () => {
    let calls = 0;
    const { client, sends, run } = setup(() => {
      calls += 1;
      return calls < 3 ? undefined : { ok: true, output: { op: 'invoke', result: { kind: 'write' } } };
    });

    expect(await run(client.invoke(cap, { kind: 'write', value: 'v' }))).toEqual({ kind: 'ok', value: { kind: 'write' } });
    expect(await run(client.invoke(cap, { kind: 'write', value: 'w' }))).toEqual({ kind: 'ok', value: { kind: 'write' } });

    expect(sends).toHaveLength(4);
    expect(client.stats).toEqual({ requests: 2, retries: 2, indeterminate: 0, malformedFrames: 0 });
  });
});

describe('client close', () => {
  it('settles pending requests as indeterminate', async () => {
    const { world, client, sends } = setup(silent);
    const pending = client.invoke(cap, { kind: 'read' });
    await world.clock.runFor(10);

    client.close('the campaign was interrupted');
    const outcome = await pending;
    await world.clock.runUntilIdle();

    expect(outcome).toEqual({ kind: 'indeterminate', reason: 'the campaign was interrupted' });
    expect(sends).toEqual([0]);
    expect(world.clock.pendingCount()).toBe(0);
    expect(client.stats).toEqual({ requests: 1, retries: 0, indeterminate: 1, malformedFrames: 0 });
  });

  it('sends nothing after close', async () => {
    const { client, sends } = setup(silent);
    client.close();

    const outcome = await client.revoke(revoker);

    expect(outcome).toEqual({ kind: 'indeterminate', reason: 'client c0 was closed' });
    expect(sends).toEqual([]);
    expect(client.stats.requests).toBe(0);
  });

  it('keeps the first reason', async () => {
    const { client } = setup(silent);
    client.close('first');
    client.close('second');

    expect(await client.invoke(cap, { kind: 'read' })).toEqual({ kind: 'indeterminate', reason: 'first' });
  });

  it('still attenuates offline', () => {
    const { client } = setup(silent);
    client.close();

    expect(client.attenuate(cap, ['read']).kind).toBe('ok');
  });
});

describe('client answers', () => {
  it('reports an owner rejection as invalid', async () => {
    const { client, run } = setup(() => ({ ok: 'invalid', message: 'the token does not decode' }));

    const outcome = await run(client.invoke(cap, { kind: 'read' }));

    expect(outcome).toEqual({ kind: 'invalid', message: 'n0 rejected request c0:0: the token does not decode' });
  });

  it('reports a revoke answered with another operation as invalid', async () => {
    const { client, run } = setup(() => ({ ok: true, output: { op: 'derive', cap, revoker } }));

    const outcome = await run(client.revoke(revoker));

    expect(outcome).toEqual({ kind: 'invalid', message: 'the owner answered with a derive output to a different operation' });
  });

  it('reports a revoke answered with a revoke output as done', async () => {
    const { client, run } = setup(() => ({ ok: true, output: { op: 'revoke' } }));

    expect(await run(client.revoke(revoker))).toEqual({ kind: 'ok', value: {} });
  });

  it('passes a refusal through', async () => {
    const refusal = { _tag: 'Revoked', object: objectId(N0, 1), slot: 0 } as const;
    const { client, run } = setup(() => ({ ok: false, refusal }));

    expect(await run(client.invoke(cap, { kind: 'read' }))).toEqual({ kind: 'refused', refusal });
  });
});

describe('client input checks', () => {
  it('refuses a create on an unknown node without sending', async () => {
    const { client, sends, run } = setup(silent);

    const outcome = await run(client.create(nodeId('n9'), 'v'));

    expect(outcome).toEqual({ kind: 'refused', refusal: unknownNode(nodeId('n9')) });
    expect(sends).toEqual([]);
    expect(client.stats.requests).toBe(0);
  });

  it('refuses a token of an unknown owner without sending', async () => {
    const { client, sends, run } = setup(silent);
    const foreign = encodeToken(mintCapability(KEY, { object: objectId(nodeId('n9'), 1), slot: 0, version: 0, rights: ['read'], caveats: [] }));

    expect(await run(client.invoke(foreign, { kind: 'read' }))).toEqual({ kind: 'refused', refusal: unknownNode(nodeId('n9')) });
    expect(sends).toEqual([]);
  });

  it('names the problem of an invalid token', async () => {
    const { client, sends, run } = setup(silent);
    const truncated = 'token ends after 1 byte, inside its kind; it was probably truncated';

    expect(client.attenuate('AQ', ['read'])).toEqual({ kind: 'invalid', message: `invalid capability token: ${truncated}` });
    expect(await run(client.derive('AQ', ['read']))).toEqual({ kind: 'invalid', message: `invalid capability token: ${truncated}` });
    expect(await run(client.revoke(cap))).toEqual({
      kind: 'invalid',
      message: 'invalid revoker token: expected a revoker token, got a capability token',
    });
    expect(sends).toEqual([]);
  });
});

describe('client frames it cannot use', () => {
  it('counts and logs a malformed frame with the peer', async () => {
    const { world, client, logger, owner } = setup(silent);

    owner.transport.send('c0', new TextEncoder().encode('{"a'));
    await world.clock.runUntilIdle();

    expect(client.stats.malformedFrames).toBe(1);
    expect(logger.atLevel('warn')).toEqual([
      {
        level: 'warn',
        fields: { client: 'c0', peer: 'n0', reason: 'frame is not valid JSON (3 bytes)' },
        message: 'dropped a malformed frame',
      },
    ]);
  });

  it('counts and logs a request sent to it', async () => {
    const { world, client, logger, owner } = setup(silent);

    owner.transport.send('c0', encodeFrame({ type: 'request', version: WIRE_VERSION, id: 'n0:5', body: { op: 'revoke', revoker } }));
    await world.clock.runUntilIdle();

    expect(client.stats.malformedFrames).toBe(1);
    expect(logger.atLevel('warn')).toEqual([
      { level: 'warn', fields: { client: 'c0', peer: 'n0', request: 'n0:5' }, message: 'dropped a request sent to a client' },
    ]);
  });
});
