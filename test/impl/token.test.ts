import { inspect } from 'node:util';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  ALL_RIGHTS,
  attenuate,
  Defect,
  effectiveRights,
  initialState,
  isSubset,
  objectId,
  nodeId,
  rightsOf,
  type Capability,
  type Refusal,
  type Rights,
} from '../../model/index.ts';
import { CAVEATS_MAX, SLOT_VERSION_MAX, SLOTS_PER_OBJECT_MAX, TOKEN_LENGTH_MAX } from '../../impl/limits.ts';
import {
  attenuateToken,
  encodeToken,
  mintCapability,
  mintRevoker,
  ownerKey,
  sameToken,
  TokenCodec,
  tokenToCapability,
  tokenToRevoker,
  verifyToken,
  type CapabilityToken,
} from '../../impl/token/index.ts';
import {
  attenuatedCapabilityArb,
  capabilityArb,
  mintedCapabilityArb,
  mintedTokenArb,
  ownerKeyArb,
  ownerKeyBytesArb,
  revokerArb,
  rightsArb,
  rightsRequestArb,
  tokenArb,
} from '../../properties/arbitraries/token.ts';
import { forgetDecodedTokens } from '../../impl/token/decode-cache.ts';
import { decodeValid, runs } from './token-support.ts';

const KEY = ownerKey(new Uint8Array(32).fill(0x2a));

const OBJECT = objectId(nodeId('storage'), 7);

const rootCap = (rights: Rights = ALL_RIGHTS): Capability => ({ object: OBJECT, slot: 0, version: 0, rights, caveats: [] });

const rightOf = <L, R>(either: E.Either<L, R>): R => {
  if (E.isLeft(either)) {
    throw new Error(`expected Right, got Left ${JSON.stringify(either.left)}`);
  }
  return either.right;
};

describe('token encoding', () => {
  it('round-trips every valid token', () => {
    fc.assert(
      fc.property(tokenArb, (token) => {
        const text = encodeToken(token);
        // Encoding kept the string in the decode memo: empty it, so that the decode parses.
        forgetDecodedTokens();
        const decoded = decodeValid(text);

        expect(decoded).toEqual(token);
        expect(encodeToken(decoded)).toBe(text);
        expect(TokenCodec.is(decoded)).toBe(true);
        expect(text.length).toBeLessThanOrEqual(TOKEN_LENGTH_MAX);
      }),
      runs(2000),
    );
  });

  it('largest token is TOKEN_LENGTH_MAX characters', () => {
    const object = `${'a'.repeat(32)}/${'9'.repeat(16)}`;
    const cap: Capability = {
      object: object as Capability['object'],
      slot: SLOTS_PER_OBJECT_MAX - 1,
      version: SLOT_VERSION_MAX,
      rights: ALL_RIGHTS,
      caveats: Array.from({ length: CAVEATS_MAX }, () => ALL_RIGHTS),
    };

    const text = encodeToken(mintCapability(KEY, cap));

    expect(text.length).toBe(TOKEN_LENGTH_MAX);
    expect(tokenToCapability(decodeValid(text) as CapabilityToken)).toEqual(cap);
  });

  it('smallest token decodes', () => {
    const revoker = { object: objectId(nodeId('a'), 0), slot: 0, version: 0 };

    const decoded = decodeValid(encodeToken(mintRevoker(KEY, revoker)));

    expect(decoded.kind).toBe('revoker');
    expect(tokenToRevoker(decoded as Extract<typeof decoded, { kind: 'revoker' }>)).toEqual(revoker);
  });

  it('sameToken compares every field and the MAC', () => {
    fc.assert(
      fc.property(tokenArb, tokenArb, (a, b) => {
        expect(sameToken(a, a)).toBe(true);
        expect(sameToken(a, b)).toBe(encodeToken(a) === encodeToken(b));
      }),
      runs(200),
    );
  });
});

describe('token conversion', () => {
  it('capability survives mint and conversion', () => {
    fc.assert(
      fc.property(ownerKeyArb, capabilityArb(), (key, cap) => {
        expect(tokenToCapability(mintCapability(key, cap))).toEqual(cap);
      }),
      runs(300),
    );
  });

  it('revoker survives mint and conversion', () => {
    fc.assert(
      fc.property(ownerKeyArb, revokerArb, (key, revoker) => {
        expect(tokenToRevoker(mintRevoker(key, revoker))).toEqual(revoker);
      }),
      runs(300),
    );
  });

  it('minting canonicalizes rights', () => {
    const cap: Capability = { ...rootCap(['write', 'read', 'write']), caveats: [['read', 'grant']] };

    const converted = tokenToCapability(mintCapability(KEY, cap));

    expect(converted.rights).toEqual(['read', 'write']);
    expect(converted.caveats).toEqual([['grant', 'read']]);
  });

  it('minting with caveats equals attenuating', () => {
    fc.assert(
      fc.property(ownerKeyArb, attenuatedCapabilityArb(), (key, cap) => {
        let token = mintCapability(key, { ...cap, caveats: [] });
        for (const caveat of cap.caveats) {
          token = rightOf(attenuateToken(token, caveat));
        }

        expect(sameToken(token, mintCapability(key, cap))).toBe(true);
      }),
      runs(300),
    );
  });

  it('minting out-of-range fields is a defect', () => {
    expect(() => mintCapability(KEY, { ...rootCap(), slot: SLOTS_PER_OBJECT_MAX })).toThrow(Defect);
    expect(() => mintCapability(KEY, { ...rootCap(), version: SLOT_VERSION_MAX + 1 })).toThrow(Defect);
    expect(() => mintCapability(KEY, { ...rootCap(), caveats: Array.from({ length: CAVEATS_MAX + 1 }, () => []) })).toThrow(
      Defect,
    );
    expect(() => mintRevoker(KEY, { object: 'Storage/1' as Capability['object'], slot: 0, version: 0 })).toThrow(Defect);
  });
});

describe('token attenuation', () => {
  const state = initialState([]);

  it('matches the model', () => {
    const outcomes = new Map<string, number>();
    const requestArb = fc.oneof(rightsRequestArb, rightsArb, fc.constant([]));
    const capArb = fc.oneof(capabilityArb(), attenuatedCapabilityArb());

    fc.assert(
      fc.property(ownerKeyArb, capArb, requestArb, (key, cap, rights) => {
        const expected = attenuate(state, { cap, rights });
        const actual = attenuateToken(mintCapability(key, cap), rights);

        const outcome = E.isLeft(expected) ? expected.left._tag : 'Right';
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);

        if (E.isLeft(expected)) {
          expect(actual).toEqual(E.left(expected.left));
          return;
        }
        const token = rightOf(actual);
        expect(tokenToCapability(token)).toEqual(expected.right[1].cap);
        expect(verifyToken(key, token)).toBe(true);
      }),
      runs(2000),
    );

    expect(outcomes.get('Right')).toBeGreaterThan(0);
    expect(outcomes.get('RightsExceeded')).toBeGreaterThan(0);
    expect(outcomes.get('TooManyCaveats')).toBeGreaterThan(0);
  });

  it('checks rights before the caveat count', () => {
    const full: Capability = { ...rootCap(['read']), caveats: Array.from({ length: CAVEATS_MAX }, () => ['read'] as const) };

    const refused = attenuateToken(mintCapability(KEY, full), ['write']);

    expect(refused).toEqual(E.left<Refusal>({ _tag: 'RightsExceeded', requested: ['write'], held: ['read'] }));
  });

  it('rejects a caveat past CAVEATS_MAX', () => {
    const full: Capability = { ...rootCap(['read']), caveats: Array.from({ length: CAVEATS_MAX }, () => ['read'] as const) };

    const refused = attenuateToken(mintCapability(KEY, full), ['read']);

    expect(refused).toEqual(E.left<Refusal>({ _tag: 'TooManyCaveats', count: CAVEATS_MAX + 1, max: CAVEATS_MAX }));
  });

  it('does not change the input token', () => {
    const token = mintCapability(KEY, rootCap());
    const before = encodeToken(token);

    rightOf(attenuateToken(token, ['read']));

    expect(encodeToken(token)).toBe(before);
  });
});

describe('token verification', () => {
  it('accepts every minted token', () => {
    fc.assert(
      fc.property(mintedTokenArb(), ({ key, token }) => {
        expect(verifyToken(key, token)).toBe(true);
        expect(verifyToken(key, decodeValid(encodeToken(token)))).toBe(true);
      }),
      runs(300),
    );
  });

  it('rejects a wrong key', () => {
    fc.assert(
      fc.property(mintedTokenArb(), ownerKeyBytesArb, ({ key, token }, otherBytes) => {
        const other = ownerKey(otherBytes);
        fc.pre(!key.equals(other));

        expect(verifyToken(other, token)).toBe(false);
      }),
      runs(300),
    );
  });

  it('rejects amplified minted rights', () => {
    fc.assert(
      fc.property(mintedCapabilityArb(), rightsArb, ({ key, token }, extra) => {
        const amplified = rightsOf(...token.rights, ...extra);
        fc.pre(amplified.length > token.rights.length);

        const forged = decodeValid(encodeToken({ ...token, rights: amplified }));

        expect(verifyToken(key, forged)).toBe(false);
      }),
      runs(300),
    );
  });

  it('rejects a revoker MAC on a capability', () => {
    const revoker = mintRevoker(KEY, { object: OBJECT, slot: 0, version: 0 });
    const forged: CapabilityToken = { ...revoker, kind: 'capability', rights: [], caveats: [] };

    expect(verifyToken(KEY, decodeValid(encodeToken(forged)))).toBe(false);
  });

  it('accepts a verified token attenuated offline', () => {
    fc.assert(
      fc.property(mintedCapabilityArb(CAVEATS_MAX - 1), rightsArb, ({ key, token }, wanted) => {
        const narrowed = wanted.filter((right) => effectiveRights(token).includes(right));
        expect(verifyToken(key, token)).toBe(true);

        const attenuated = rightOf(attenuateToken(decodeValid(encodeToken(token)) as CapabilityToken, narrowed));

        expect(verifyToken(key, attenuated)).toBe(true);
        expect(verifyToken(key, decodeValid(encodeToken(attenuated)))).toBe(true);
        expect(isSubset(effectiveRights(attenuated), effectiveRights(token))).toBe(true);
      }),
      runs(300),
    );
  });

  it('rejects a caveat replaced by a wider one', () => {
    const tokenArb = mintedCapabilityArb().filter(({ token }) => token.caveats.some((caveat) => caveat.length < ALL_RIGHTS.length));

    fc.assert(
      fc.property(tokenArb, fc.nat(), fc.constantFrom(...ALL_RIGHTS), ({ key, token }, pick, extra) => {
        const narrow = token.caveats.flatMap((caveat, index) => (caveat.length < ALL_RIGHTS.length ? [index] : []));
        const index = narrow[pick % narrow.length] as number;
        const caveat = token.caveats[index] as ReadonlyArray<(typeof ALL_RIGHTS)[number]>;
        const missing = ALL_RIGHTS.filter((right) => !caveat.includes(right));
        const added = missing.includes(extra) ? extra : (missing[0] as (typeof ALL_RIGHTS)[number]);
        const caveats = token.caveats.map((old, at) => (at === index ? rightsOf(...old, added) : old));

        const forged = decodeValid(encodeToken({ ...token, caveats }));

        expect(verifyToken(key, forged)).toBe(false);
      }),
      runs(300),
    );
  });

  it('rejects a token with its last caveat removed', () => {
    const attenuated = rightOf(attenuateToken(mintCapability(KEY, rootCap()), ['read']));

    const stripped = decodeValid(encodeToken({ ...attenuated, caveats: [] }));

    expect(verifyToken(KEY, attenuated)).toBe(true);
    expect(verifyToken(KEY, stripped)).toBe(false);
  });

  it('rejects a wrong key for a fixed token', () => {
    const token = mintCapability(KEY, rootCap());

    expect(verifyToken(KEY, token)).toBe(true);
    expect(verifyToken(ownerKey(new Uint8Array(32).fill(0x2b)), token)).toBe(false);
  });
});

describe('owner key', () => {
  it('rejects keys shorter than 32 bytes', () => {
    expect(() => ownerKey(new Uint8Array(31))).toThrow('owner key has 31 bytes; use at least 32 random bytes');
  });

  it('prints no key bytes', () => {
    const key = ownerKey(new Uint8Array(32).fill(0xab));

    expect(inspect(key, { depth: 5, showHidden: true })).not.toMatch(/171|ab ?ab|q6ur/i);
    expect(JSON.stringify(key)).not.toMatch(/171|abab|q6ur/i);
  });
});
