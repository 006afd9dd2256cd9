import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import { nodeId, objectId } from '../../model/index.ts';
import { CAVEATS_MAX, SLOTS_PER_OBJECT_MAX, TOKEN_LENGTH_MAX } from '../../impl/limits.ts';
import {
  CapabilityTokenCodec,
  encodeBase64url,
  encodeToken,
  encodeTokenBytes,
  MAC_BYTES,
  mintCapability,
  mintRevoker,
  ownerKey,
  RevokerTokenCodec,
  TokenCodec,
} from '../../impl/token/index.ts';
import { tokenArb } from '../../properties/arbitraries/token.ts';
import { decodeError, decodeValid, failureMessages, runs } from './token-support.ts';

const KEY = ownerKey(new Uint8Array(32).fill(0x11));

const OBJECT = objectId(nodeId('storage'), 7);

/** Offsets of the fields of a token whose object id is `storage/7` (9 bytes). */
const OFFSET = { format: 0, kind: 1, objectLength: 2, object: 3, slot: 12, version: 16, rights: 20, count: 21, caveats: 22 };

const capability = mintCapability(KEY, { object: OBJECT, slot: 1, version: 2, rights: ['read', 'write'], caveats: [['read'], ['read'], ['read'], []] });

const revoker = mintRevoker(KEY, { object: OBJECT, slot: 1, version: 2 });

/** Returns the string of `token`'s bytes after `change` edits a copy of them. */
const edited = (bytes: Uint8Array, change: (copy: Uint8Array) => Uint8Array | void): string => {
  const copy = new Uint8Array(bytes);
  return encodeBase64url(change(copy) ?? copy);
};

const capBytes = encodeTokenBytes(capability);

const revokerBytes = encodeTokenBytes(revoker);

const withByte = (bytes: Uint8Array, offset: number, value: number): string =>
  edited(bytes, (copy) => {
    copy[offset] = value;
  });

describe('token decode errors', () => {
  it('field offsets match the layout', () => {
    expect(capBytes[OFFSET.objectLength]).toBe(9);
    expect(capBytes[OFFSET.count]).toBe(4);
    expect(capBytes.length).toBe(OFFSET.caveats + 4 + MAC_BYTES);
  });

  const cases: ReadonlyArray<readonly [string, unknown, string]> = [
    ['a number', 42, 'a token is a base64url string, got number'],
    ['null', null, 'a token is a base64url string, got null'],
    ['an object', { kind: 'capability' }, 'a token is a base64url string, got object'],
    ['an empty string', '', 'token is empty'],
    ['an oversized string', 'A'.repeat(TOKEN_LENGTH_MAX + 1), `token has ${TOKEN_LENGTH_MAX + 1} characters; a token has at most ${TOKEN_LENGTH_MAX}`],
    [
      'padding',
      `${encodeToken(capability).slice(0, -2)}==`,
      `token character ${encodeToken(capability).length - 1} is U+003D, which is not base64url; a token uses only A-Z, a-z, 0-9, '-' and '_', without '=' padding`,
    ],
    [
      'standard base64 characters',
      `+${encodeToken(capability).slice(1)}`,
      "token character 1 is U+002B, which is not base64url; a token uses only A-Z, a-z, 0-9, '-' and '_', without '=' padding",
    ],
    [
      'an astral character',
      'AQ😀E',
      "token character 3 is U+1F600, which is not base64url; a token uses only A-Z, a-z, 0-9, '-' and '_', without '=' padding",
    ],
    [
      'a length of 4n+1',
      'AQEJc',
      'token has 5 characters, one more than a multiple of 4, which no base64url string has; a character is missing or extra',
    ],
    ['nonzero unused bits', 'AQF', 'token is not canonical base64url: its last character sets bits that encode no byte'],
    ['a truncated header', 'AQ', 'token ends after 1 byte, inside its kind; it was probably truncated'],
    ['format version 2', withByte(capBytes, OFFSET.format, 2), 'token format version 2 is unknown; this implementation reads version 1'],
    ['kind 3', withByte(capBytes, OFFSET.kind, 3), 'token kind 0x03 is unknown; a token is a capability (0x01) or a revoker (0x02)'],
    ['kind 0', withByte(capBytes, OFFSET.kind, 0), 'token kind 0x00 is unknown; a token is a capability (0x01) or a revoker (0x02)'],
    ['object id length 0', withByte(capBytes, OFFSET.objectLength, 0), 'token object id length 0 is out of range; an object id has 1 to 49 bytes'],
    ['object id length 50', withByte(capBytes, OFFSET.objectLength, 50), 'token object id length 50 is out of range; an object id has 1 to 49 bytes'],
    [
      'an uppercase object id',
      withByte(capBytes, OFFSET.object, 'S'.charCodeAt(0)),
      'token object id (9 bytes) is invalid; an object id is <owner>/<serial>, the owner 1 to 32 lowercase letters, ' +
        'digits or dashes starting with a letter or digit, the serial a decimal without leading zeros',
    ],
    ['an object id that is not UTF-8', withByte(capBytes, OFFSET.object, 0xff), 'token object id is not valid UTF-8'],
    [
      'slot SLOTS_PER_OBJECT_MAX',
      edited(capBytes, (copy) => {
        new DataView(copy.buffer).setUint32(OFFSET.slot, SLOTS_PER_OBJECT_MAX);
      }),
      `token slot ${SLOTS_PER_OBJECT_MAX} is out of range; slots are 0 to ${SLOTS_PER_OBJECT_MAX - 1}`,
    ],
    [
      'unknown rights bits',
      withByte(capBytes, OFFSET.rights, 0x0b),
      'token rights have unknown bits 0x08; a token holds read=1, write=2, grant=4',
    ],
    [
      'too many caveats',
      withByte(capBytes, OFFSET.count, CAVEATS_MAX + 1),
      `token has ${CAVEATS_MAX + 1} caveats; at most ${CAVEATS_MAX} are allowed`,
    ],
    [
      'unknown caveat bits',
      withByte(capBytes, OFFSET.caveats + 2, 0x19),
      'token caveat 3 of 4 has unknown rights bits 0x18; a token holds read=1, write=2, grant=4',
    ],
    [
      'a revoker with rights',
      withByte(revokerBytes, OFFSET.rights, 0x03),
      'revoker token has rights bits 0x03; a revoker carries no rights, so the byte must be 0x00',
    ],
    [
      'a revoker with a caveat',
      withByte(revokerBytes, OFFSET.count, 1),
      'revoker token has 1 caveat; a revoker carries none, so the count must be 0',
    ],
    [
      'a missing MAC byte',
      encodeBase64url(capBytes.subarray(0, capBytes.length - 1)),
      `token ends after ${capBytes.length - 1} bytes, inside its 32-byte MAC; it was probably truncated`,
    ],
    [
      'a missing caveat',
      encodeBase64url(capBytes.subarray(0, OFFSET.caveats + 3)),
      `token ends after ${OFFSET.caveats + 3} bytes, inside its caveat 4 of 4; it was probably truncated`,
    ],
    [
      'a byte after the MAC',
      edited(capBytes, (copy) => Uint8Array.from([...copy, 0])),
      'token has 1 byte after its MAC; the MAC must end the token',
    ],
  ];

  it.each(cases)('rejects %s', (_name, input, message) => {
    expect(decodeError(input)).toBe(message);
  });

  it('names the path inside a larger codec', () => {
    const request = t.type({ cap: CapabilityTokenCodec });

    const decoded = request.decode({ cap: withByte(capBytes, OFFSET.kind, 9) });

    expect(failureMessages(decoded)).toEqual([
      'cap: token kind 0x09 is unknown; a token is a capability (0x01) or a revoker (0x02)',
    ]);
  });

  it('describes errors without a message by type', () => {
    const request = t.type({ cap: CapabilityTokenCodec });

    const decoded = request.decode({});

    expect(failureMessages(decoded)).toEqual(['cap: a token is a base64url string, got undefined']);
  });
});

describe('token codecs by kind', () => {
  it('capability codec rejects a revoker', () => {
    const decoded = CapabilityTokenCodec.decode(encodeToken(revoker));

    expect(failureMessages(decoded)).toEqual(['expected a capability token, got a revoker token']);
  });

  it('revoker codec rejects a capability', () => {
    const decoded = RevokerTokenCodec.decode(encodeToken(capability));

    expect(failureMessages(decoded)).toEqual(['expected a revoker token, got a capability token']);
  });

  it('each codec accepts its own kind', () => {
    expect(E.isRight(CapabilityTokenCodec.decode(encodeToken(capability)))).toBe(true);
    expect(E.isRight(RevokerTokenCodec.decode(encodeToken(revoker)))).toBe(true);
    expect(CapabilityTokenCodec.encode(capability)).toBe(encodeToken(capability));
  });

  it('guards tell the kinds apart', () => {
    expect(CapabilityTokenCodec.is(capability)).toBe(true);
    expect(CapabilityTokenCodec.is(revoker)).toBe(false);
    expect(RevokerTokenCodec.is(revoker)).toBe(true);
    expect(RevokerTokenCodec.is(capability)).toBe(false);
  });

  it('guard rejects malformed tokens', () => {
    const bad: ReadonlyArray<unknown> = [
      null,
      'token',
      { ...capability, kind: 'other' },
      { ...capability, object: 'Storage/7' },
      { ...capability, slot: SLOTS_PER_OBJECT_MAX },
      { ...capability, slot: 1.5 },
      { ...capability, version: -1 },
      { ...capability, rights: ['write', 'read'] },
      { ...capability, rights: ['read', 'read'] },
      { ...capability, rights: ['admin'] },
      { ...capability, caveats: [['sudo']] },
      { ...capability, caveats: Array.from({ length: CAVEATS_MAX + 1 }, () => []) },
      { ...capability, mac: capability.mac.subarray(1) },
      { ...capability, mac: [...capability.mac] },
    ];

    for (const value of bad) {
      expect(TokenCodec.is(value), JSON.stringify(value)).toBe(false);
    }
    expect(TokenCodec.is(capability)).toBe(true);
    expect(TokenCodec.is(revoker)).toBe(true);
  });
});

describe('token decoder totality', () => {
  const decodesWithoutThrowing = (input: unknown): boolean => {
    const decoded = TokenCodec.decode(input);
    return E.isLeft(decoded) || E.isRight(decoded);
  };

  it('never throws on strings', () => {
    fc.assert(fc.property(fc.string(), decodesWithoutThrowing), runs(5000));
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), decodesWithoutThrowing), runs(2000));
  });

  it('never throws on base64url strings', () => {
    const alphabet = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'];

    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 160 }), decodesWithoutThrowing), runs(5000));
  });

  it('never throws on random bytes', () => {
    const bytesArb = fc.oneof(
      fc.uint8Array({ maxLength: 120 }),
      fc
        .tuple(fc.constantFrom(1, 2), fc.uint8Array({ maxLength: 110 }))
        .map(([kind, rest]) => Uint8Array.from([1, kind, ...rest])),
      fc
        .tuple(tokenArb, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 40 }))
        .map(([token, at, tail]) => {
          const bytes = encodeTokenBytes(token);
          const cut = at % (bytes.length + 1);
          return Uint8Array.from([...bytes.subarray(0, cut), ...tail]);
        }),
    );

    fc.assert(
      fc.property(bytesArb, (bytes) => decodesWithoutThrowing(encodeBase64url(bytes))),
      runs(5000),
    );
  });

  it('never throws on any value', () => {
    fc.assert(fc.property(fc.anything({ withBigInt: true, withTypedArray: true, withMap: true, withSet: true }), decodesWithoutThrowing), runs(2000));
    expect(decodesWithoutThrowing(undefined)).toBe(true);
    expect(decodesWithoutThrowing(Symbol('token'))).toBe(true);
    expect(decodesWithoutThrowing(() => 'token')).toBe(true);
  });

  it('decoded random strings re-encode to themselves', () => {
    const alphabet = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'];
    const prefix = encodeToken(capability).slice(0, 4);

    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 140 }), (tail) => {
        const input = prefix + tail;
        const decoded = TokenCodec.decode(input);
        return E.isLeft(decoded) || encodeToken(decoded.right) === input;
      }),
      runs(3000),
    );
  });

  it('valid tokens are all accepted', () => {
    fc.assert(
      fc.property(tokenArb, (token) => {
        expect(decodeValid(encodeToken(token))).toEqual(token);
      }),
      runs(500),
    );
  });
});
