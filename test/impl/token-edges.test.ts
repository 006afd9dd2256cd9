import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { describe, expect, it, vi } from 'vitest';
import { Defect, nodeId, objectId } from '../../model/index.ts';
import { CAVEATS_MAX, SLOT_VERSION_MAX, SLOTS_PER_OBJECT_MAX } from '../../impl/limits.ts';
import {
  CapabilityTokenCodec,
  encodeMintedPart,
  encodeTokenBytes,
  mintCapability,
  mintRevoker,
  ownerKey,
  parseTokenBytes,
  tokenErrorMessages,
  tokenProblem,
  verifyToken,
  type UnsignedToken,
} from '../../impl/token/index.ts';

const KEY = ownerKey(new Uint8Array(32).fill(0x22));

const OBJECT = objectId(nodeId('storage'), 7);

const capability = mintCapability(KEY, { object: OBJECT, slot: 1, version: 2, rights: ['read', 'write'], caveats: [['read']] });

const revoker = mintRevoker(KEY, { object: OBJECT, slot: 1, version: 2 });

const RIGHTS_TEXT = 'token rights must be a sorted array of distinct rights from grant, read, write, got';

describe('token guard messages', () => {
  const cases: ReadonlyArray<readonly [string, unknown, string]> = [
    ['null', null, 'a token is an object, got null'],
    ['a string', 'token', 'a token is an object, got string'],
    ['a number', 5, 'a token is an object, got number'],
    ['an unknown kind', { ...capability, kind: 'other' }, 'token kind must be "capability" or "revoker", got "other"'],
    ['a missing kind', {}, 'token kind must be "capability" or "revoker", got undefined'],
    ['a BigInt kind', { kind: 1n }, 'token kind must be "capability" or "revoker", got bigint'],
    ['a bad object id', { ...capability, object: 'Storage/7' }, 'token object must be an object id <owner>/<serial>, got "Storage/7"'],
    [
      'a slot past the last',
      { ...capability, slot: SLOTS_PER_OBJECT_MAX },
      `token slot must be an integer from 0 to ${SLOTS_PER_OBJECT_MAX - 1}, got ${SLOTS_PER_OBJECT_MAX}`,
    ],
    ['a negative version', { ...revoker, version: -1 }, `token version must be an integer from 0 to ${SLOT_VERSION_MAX}, got -1`],
    ['rights that are not an array', { ...capability, rights: 'read' }, `${RIGHTS_TEXT} "read"`],
    ['unsorted rights', { ...capability, rights: ['write', 'read'] }, `${RIGHTS_TEXT} ["write","read"]`],
    ['an unknown right', { ...capability, rights: ['read', 'execute'] }, `${RIGHTS_TEXT} ["read","execute"]`],
    [
      'too many caveats',
      { ...capability, caveats: Array.from({ length: CAVEATS_MAX + 1 }, () => []) },
      `token caveats must be an array of at most ${CAVEATS_MAX} rights sets, got [[],[],[],[],[],[],[],[],[]]`,
    ],
    [
      'a bad second caveat',
      { ...capability, caveats: [['read'], ['read', 'read']] },
      'token caveat 2 of 2 must be a sorted array of distinct rights, got ["read","read"]',
    ],
    ['a short MAC', { ...capability, mac: new Uint8Array(31) }, 'token MAC must be a Uint8Array of 32 bytes'],
    ['a MAC that is an array', { ...revoker, mac: Array.from({ length: 32 }, () => 0) }, 'token MAC must be a Uint8Array of 32 bytes'],
  ];

  it.each(cases)('describes %s', (_name, value, message) => {
    expect(tokenProblem(value)).toBe(message);
  });

  it('accepts minted tokens', () => {
    expect(tokenProblem(capability)).toBeUndefined();
    expect(tokenProblem(revoker)).toBeUndefined();
  });

  it('shows a value of 60 JSON characters whole', () => {
    const kind = 'k'.repeat(58);

    expect(tokenProblem({ kind })).toBe(`token kind must be "capability" or "revoker", got "${kind}"`);
  });

  it('cuts a value of 61 JSON characters to 60 and an ellipsis', () => {
    const kind = 'k'.repeat(59);

    expect(tokenProblem({ kind })).toBe(`token kind must be "capability" or "revoker", got "${'k'.repeat(59)}...`);
  });
});

describe('token encoding guards', () => {
  it('refuses to encode an invalid token and says why', () => {
    const bad = { ...capability, slot: -1 } as UnsignedToken;

    expect(() => encodeMintedPart(bad)).toThrow(Defect);
    expect(() => encodeMintedPart(bad)).toThrow(
      `cannot encode an invalid token: token slot must be an integer from 0 to ${SLOTS_PER_OBJECT_MAX - 1}, got -1`,
    );
  });

  it.each([31, 33])('refuses to encode a MAC of %i bytes', (length) => {
    const bad = { ...capability, mac: new Uint8Array(length) };

    expect(() => encodeTokenBytes(bad)).toThrow(Defect);
    expect(() => encodeTokenBytes(bad)).toThrow(`cannot encode a token whose MAC has ${length} bytes instead of 32`);
  });

  it('does not verify a MAC of the wrong length', () => {
    expect(verifyToken(KEY, { ...capability, mac: capability.mac.subarray(0, 31) })).toBe(false);
    expect(verifyToken(KEY, { ...revoker, mac: new Uint8Array(33) })).toBe(false);
    expect(verifyToken(KEY, capability)).toBe(true);
  });
});

describe('truncated token bytes', () => {
  // Offsets of a token whose object id is `storage/7` (9 bytes): object id at 3, slot at 12,
  // version at 16, rights at 20, caveat count at 21.
  const bytes = encodeTokenBytes(capability);

  const cases: ReadonlyArray<readonly [number, string]> = [
    [0, '0 bytes, inside its format version'],
    [2, '2 bytes, inside its object id length'],
    [5, '5 bytes, inside its object id'],
    [14, '14 bytes, inside its slot'],
    [18, '18 bytes, inside its version'],
    [20, '20 bytes, inside its rights'],
    [21, '21 bytes, inside its caveat count'],
  ];

  it.each(cases)('names the field cut at byte %i', (length, where) => {
    expect(parseTokenBytes(bytes.subarray(0, length))).toEqual(E.left(`token ends after ${where}; it was probably truncated`));
  });
});

describe('token error messages', () => {
  it('joins nested keys with dots', () => {
    const codec = t.type({ request: t.type({ cap: CapabilityTokenCodec }) });

    const decoded = codec.decode({ request: { cap: 'AQ' } });

    expect(E.isLeft(decoded) ? tokenErrorMessages(decoded.left) : []).toEqual([
      'request.cap: token ends after 1 byte, inside its kind; it was probably truncated',
    ]);
  });

  it('names the innermost type of an error without a message', () => {
    const codec = t.type({ outer: t.type({ count: t.number }) });

    const decoded = codec.decode({ outer: { count: 'many' } });

    expect(E.isLeft(decoded) ? tokenErrorMessages(decoded.left) : []).toEqual(['outer.count: invalid number']);
  });

  it('falls back to "value" for an error without context', () => {
    expect(tokenErrorMessages([{ value: 1, context: [] }])).toEqual(['invalid value']);
  });
});

describe('token modules loaded afresh', () => {
  // The codecs, the UTF-8 decoder and the format checks run when the modules load, so this test
  // loads fresh copies to check what the module-level code produced.
  it('name every codec and reject an object id that is not UTF-8', async () => {
    vi.resetModules();
    const tokens = await import('../../impl/token/index.ts');
    const bytes = tokens.encodeTokenBytes(capability);
    bytes[3] = 0xff;

    expect(tokens.parseTokenBytes(bytes)).toEqual(E.left('token object id is not valid UTF-8'));
    expect([tokens.TokenCodec.name, tokens.CapabilityTokenCodec.name, tokens.RevokerTokenCodec.name]).toEqual([
      'Token',
      'CapabilityToken',
      'RevokerToken',
    ]);
  });
});
