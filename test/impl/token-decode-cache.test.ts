import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { ALL_RIGHTS, nodeId, objectId, rightsOf, type Right } from '../../model/index.ts';
import {
  attenuateToken,
  decodeTokenString,
  encodeToken,
  isToken,
  mintCapability,
  mintRevoker,
  ownerKey,
  type CapabilityToken,
} from '../../impl/token/index.ts';
import { DECODED_TOKENS_MAX, forgetDecodedTokens } from '../../impl/token/decode-cache.ts';
import { tokenArb } from '../../properties/arbitraries/token.ts';
import { runs } from './token-support.ts';

const KEY = ownerKey(new Uint8Array(32).fill(0x3c));

const OBJECT = objectId(nodeId('storage'), 11);

const root = mintCapability(KEY, { object: OBJECT, slot: 0, version: 0, rights: ['grant', 'read', 'write'], caveats: [] });

const attenuated = E.getOrElseW(() => {
  throw new Error('attenuating the root capability to read failed');
})(attenuateToken(root, ['read']));

const decodeRight = (text: string) => {
  const decoded = decodeTokenString(text);
  if (E.isLeft(decoded)) {
    throw new Error(`expected ${text} to decode, got: ${decoded.left}`);
  }
  return decoded.right;
};

describe('token decode memo', () => {
  it('decodes a string again to an equal token', () => {
    const text = encodeToken(attenuated);

    const first = decodeRight(text);
    const second = decodeRight(text);

    expect(second).toEqual(first);
    expect(second).toEqual(attenuated);
  });

  it('gives each caller its own MAC', () => {
    const text = encodeToken(attenuated);
    const first = decodeRight(text);
    const expectedMac = Uint8Array.from(first.mac);

    first.mac.fill(0);
    const second = decodeRight(text);

    expect(second.mac).toEqual(expectedMac);
    expect(second.mac).not.toBe(first.mac);
  });

  it('shares only frozen rights', () => {
    const text = encodeToken(attenuated);
    decodeRight(text);

    const token = decodeRight(text) as CapabilityToken;

    expect(Object.isFrozen(token.rights)).toBe(true);
    expect(Object.isFrozen(token.caveats)).toBe(true);
    expect(token.caveats.every((caveat) => Object.isFrozen(caveat))).toBe(true);
  });

  it('keeps revokers apart from capabilities', () => {
    const revoker = mintRevoker(KEY, { object: OBJECT, slot: 0, version: 0 });
    const text = encodeToken(revoker);
    decodeRight(text);

    expect(decodeRight(text)).toEqual(revoker);
  });

  it('still rejects a bad string seen before', () => {
    const text = `${encodeToken(root)}A`;

    expect(E.isLeft(decodeTokenString(text))).toBe(true);
    expect(E.isLeft(decodeTokenString(text))).toBe(true);
  });

  it('recalls encoded strings as parsed', () => {
    fc.assert(
      fc.property(tokenArb, (token) => {
        const text = encodeToken(token);
        const remembered = decodeRight(text);
        forgetDecodedTokens();
        const parsed = decodeRight(text);

        expect(remembered).toStrictEqual(parsed);
        expect(Object.keys(remembered)).toEqual(Object.keys(parsed));
      }),
      runs(1000),
    );
  });

  it('leaves encoded token arrays unfrozen', () => {
    const token = mintCapability(KEY, { object: OBJECT, slot: 2, version: 0, rights: ['read', 'write'], caveats: [['read']] });
    encodeToken(token);

    expect(Object.isFrozen(token.rights)).toBe(false);
    expect(Object.isFrozen(token.caveats)).toBe(false);
  });

  it('decodes correctly past its size', () => {
    const tokens = Array.from({ length: DECODED_TOKENS_MAX + 10 }, (_, slot) =>
      mintRevoker(KEY, { object: OBJECT, slot, version: 1 }),
    );
    const texts = tokens.map(encodeToken);

    for (const text of texts) {
      decodeRight(text);
    }

    texts.forEach((text, index) => {
      expect(decodeRight(text)).toEqual(tokens[index]);
    });
  });
});

describe('token rights check', () => {
  /** Returns whether the array equals the canonical form that the model's `rightsOf` builds. */
  const isCanonicalByModel = (value: ReadonlyArray<unknown>): boolean => {
    const known = value.filter((right): right is Right => (ALL_RIGHTS as ReadonlyArray<unknown>).includes(right));
    const canonical = rightsOf(...known);
    return canonical.length === value.length && canonical.every((right, index) => right === value[index]);
  };

  it('accepts exactly the canonical rights arrays', () => {
    const element = fc.constantFrom<unknown>('grant', 'read', 'write', 'execute', '', 1, null, undefined);
    fc.assert(
      fc.property(fc.array(element, { maxLength: 5 }), (rights) => {
        const token = { ...root, rights };
        expect(isToken(token)).toBe(isCanonicalByModel(rights));
      }),
      runs(2000),
    );
  });

  it('rejects a sparse rights array', () => {
    const rights = ['grant', 'read', 'write'];
    delete rights[1];

    expect(isToken({ ...root, rights })).toBe(false);
  });
});
