import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import type * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import { RefusalCodec, RightsCodec } from '../../impl/wire/codecs.ts';
import { MessageCodec, WIRE_VERSION, type Message } from '../../impl/wire/messages.ts';
import { INVALID, quickDecode } from '../../impl/wire/quick-decode.ts';
import { defaultSeed } from '../../properties/check.ts';

const TOKEN = 'AQEEbjEvMwAAAAIAAAAABwEDqFAiJj2S9-8Z4lBaNVRCgP3OVEgpmWjx2PqlMxmyFAQ';

const request = (body: unknown): unknown => ({ type: 'request', version: WIRE_VERSION, id: 'c0:7', body });
const response = (result: unknown): unknown => ({ type: 'response', version: WIRE_VERSION, id: 'c1:12', result });

/** One valid message of every request and result shape, every refusal included. */
const VALID_MESSAGES: ReadonlyArray<unknown> = [
  request({ op: 'create', node: 'n0', value: 'v' }),
  request({ op: 'derive', cap: TOKEN, rights: ['read', 'write'] }),
  request({ op: 'revoke', revoker: TOKEN }),
  request({ op: 'invoke', cap: TOKEN, action: { kind: 'read' } }),
  request({ op: 'invoke', cap: TOKEN, action: { kind: 'write', value: '' } }),
  response({ ok: true, output: { op: 'create', object: 'n0/3', cap: TOKEN, revoker: TOKEN } }),
  response({ ok: true, output: { op: 'derive', cap: TOKEN, revoker: TOKEN } }),
  response({ ok: true, output: { op: 'revoke' } }),
  response({ ok: true, output: { op: 'invoke', result: { kind: 'read', value: 'x' } } }),
  response({ ok: true, output: { op: 'invoke', result: { kind: 'write' } } }),
  response({ ok: 'invalid', message: 'capability token is malformed' }),
  ...[
    { _tag: 'UnknownNode', node: 'n9' },
    { _tag: 'OwnerUnavailable', node: 'n1' },
    { _tag: 'Forged', object: 'n0/1' },
    { _tag: 'Revoked', object: 'n0/1', slot: 3 },
    { _tag: 'MissingRight', right: 'write', held: ['read'] },
    { _tag: 'RightsExceeded', requested: ['grant', 'read'], held: ['read'] },
    { _tag: 'DepthExceeded', depth: 9, max: 8 },
    { _tag: 'TooManyCaveats', count: 9, max: 8 },
    { _tag: 'SlotsExhausted', object: 'n0/1', max: 4 },
    { _tag: 'ValueTooLarge', length: 2000, max: 1024 },
    { _tag: 'AlreadyCrashed', node: 'n1' },
    { _tag: 'NotCrashed', node: 'n1' },
  ].map((refusal) => response({ ok: false, refusal })),
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Paths to every value inside `value`, the value itself included as the empty path. */
const pathsOf = (value: Json, prefix: ReadonlyArray<string | number> = []): Array<ReadonlyArray<string | number>> => {
  const paths: Array<ReadonlyArray<string | number>> = [prefix];
  if (Array.isArray(value)) {
    value.forEach((item, index) => paths.push(...pathsOf(item, [...prefix, index])));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      paths.push(...pathsOf(item, [...prefix, key]));
    }
  }
  return paths;
};

type Mutation =
  | { readonly kind: 'replace'; readonly value: unknown }
  | { readonly kind: 'delete' }
  | { readonly kind: 'add'; readonly key: string; readonly value: unknown };

/** Returns a deep copy of `value` with one mutation applied at `path`. */
const mutate = (value: Json, path: ReadonlyArray<string | number>, mutation: Mutation): unknown => {
  const copy = structuredClone(value) as unknown;
  if (path.length === 0) {
    return mutation.kind === 'replace' ? mutation.value : copy;
  }
  let parent = copy as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) {
    parent = parent[step] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1] as string | number;
  switch (mutation.kind) {
    case 'replace':
      parent[last] = mutation.value;
      break;
    case 'delete':
      delete parent[last];
      break;
    case 'add': {
      const target = parent[last];
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) {
        (target as Record<string, unknown>)[mutation.key] = mutation.value;
      }
      break;
    }
  }
  return copy;
};

/** Values a mutation puts in place of a field: near misses of every field kind, and anything. */
const replacementArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    'request',
    'response',
    1,
    2,
    -1,
    0.5,
    true,
    'invalid',
    null,
    undefined,
    'n0',
    'N0',
    'n0/1',
    'n0/01',
    '',
    'c0:1',
    'c0:01',
    TOKEN,
    'x'.repeat(513),
    ['read'],
    ['read', 'read'],
    ['write', 'grant'],
    ['execute'],
    [],
    'read',
    'write',
    'Revoked',
    'derive',
    { kind: 'read' },
    Number.MAX_SAFE_INTEGER + 1,
  ),
  fc.jsonValue(),
);

const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), value: replacementArbitrary }),
  fc.constant({ kind: 'delete' as const }),
  fc.record({ kind: fc.constant('add' as const), key: fc.constantFrom('extra', 'type', 'op', '__proto__'), value: replacementArbitrary }),
);

/** A valid message with up to three mutations, each at a random path of what the previous left. */
const messageLikeArbitrary: fc.Arbitrary<unknown> = fc
  .tuple(fc.constantFrom(...VALID_MESSAGES), fc.array(fc.tuple(fc.nat(), mutationArbitrary), { maxLength: 3 }))
  .map(([message, mutations]) =>
    mutations.reduce((current: unknown, [pathIndex, mutation]) => {
      const paths = pathsOf(current as Json);
      return mutate(current as Json, paths[pathIndex % paths.length] ?? [], mutation);
    }, message),
  );

/** Checks `quickDecode` against `codec.decode` on one input. */
const expectSameDecode = (codec: t.Decoder<unknown, unknown>, input: unknown): void => {
  const full = codec.decode(input);
  const quick = quickDecode(codec, input);
  if (E.isLeft(full)) {
    expect(quick).toBe(INVALID);
  } else {
    expect(quick).not.toBe(INVALID);
    expect(quick).toStrictEqual(full.right);
  }
};

describe('message codecs', () => {
  it('accepts every valid message shape', () => {
    for (const message of VALID_MESSAGES) {
      expect(quickDecode(MessageCodec, message)).toStrictEqual(message);
    }
  });

  it('agrees with io-ts on mutated messages', () => {
    fc.assert(
      fc.property(messageLikeArbitrary, (input) => expectSameDecode(MessageCodec, input)),
      { seed: defaultSeed('quick decode messages'), numRuns: 5000 },
    );
  });

  it('agrees with io-ts on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (input) => expectSameDecode(MessageCodec, input)),
      { seed: defaultSeed('quick decode json'), numRuns: 1000 },
    );
  });

  it('returns canonical rights like io-ts', () => {
    const message = request({ op: 'derive', cap: TOKEN, rights: ['write', 'grant'] });
    const decoded = quickDecode(MessageCodec, message) as Message;

    expect(decoded).not.toBe(INVALID);
    expect(decoded.type).toBe('request');
    const body = decoded.type === 'request' ? decoded.body : null;
    expect(body?.op).toBe('derive');
    expect(body?.op === 'derive' ? body.rights : null).toEqual(['grant', 'write']);
    expectSameDecode(MessageCodec, message);
  });

  it('encodes a message as itself', () => {
    for (const message of VALID_MESSAGES) {
      expect(MessageCodec.encode(message as Message)).toBe(message);
    }
  });

  it('rejects what the hand-written codecs reject', () => {
    expect(quickDecode(RightsCodec, ['read', 'read'])).toBe(INVALID);
    expect(quickDecode(RefusalCodec, { _tag: 'Revoked', object: 'n0/1', slot: -1 })).toBe(INVALID);
    expect(quickDecode(MessageCodec, request({ op: 'create', node: 'N0', value: 'v' }))).toBe(INVALID);
  });
});
