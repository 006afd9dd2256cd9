/**
 * fast-check arbitraries for tokens and the model values they carry. Every value drawn here is
 * valid: object ids match OBJECT_ID_PATTERN, slots, versions and caveat counts are within the
 * token's limits, and rights are the model's canonical sorted arrays.
 */
import fc from 'fast-check';
import {
  ALL_RIGHTS,
  intersect,
  type Capability,
  type ObjectId,
  type Revoker,
  type Rights,
} from '../../model/index.ts';
import { CAVEATS_MAX, OWNER_KEY_BYTES_MIN, SLOT_VERSION_MAX, SLOTS_PER_OBJECT_MAX } from '../../impl/limits.ts';
import {
  MAC_BYTES,
  mintCapability,
  mintRevoker,
  ownerKey,
  type CapabilityToken,
  type OwnerKey,
  type RevokerToken,
  type Token,
} from '../../impl/token/index.ts';

const LOWER_DIGITS = [...'abcdefghijklmnopqrstuvwxyz0123456789'];
const DIGITS = [...'0123456789'];

/** Owner part of an object id: 1 to 32 lowercase letters, digits or dashes, not starting with a dash. */
const ownerTextArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...LOWER_DIGITS),
    fc.oneof(
      fc.string({ unit: fc.constantFrom(...LOWER_DIGITS, '-'), maxLength: 8 }),
      fc.string({ unit: fc.constantFrom(...LOWER_DIGITS, '-'), minLength: 31, maxLength: 31 }),
    ),
  )
  .map(([first, rest]) => first + rest);

/** Serial part of an object id: a decimal of 1 to 16 digits without leading zeros. */
const serialTextArb: fc.Arbitrary<string> = fc.oneof(
  fc.constant('0'),
  fc
    .tuple(fc.constantFrom(...DIGITS.slice(1)), fc.string({ unit: fc.constantFrom(...DIGITS), maxLength: 15 }))
    .map(([first, rest]) => first + rest),
);

export const objectIdArb: fc.Arbitrary<ObjectId> = fc
  .tuple(ownerTextArb, serialTextArb)
  .map(([owner, serial]) => `${owner}/${serial}` as ObjectId);

export const slotArb: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: 0, max: 4 }),
  fc.integer({ min: 0, max: SLOTS_PER_OBJECT_MAX - 1 }),
  fc.constant(SLOTS_PER_OBJECT_MAX - 1),
);

export const versionArb: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: 0, max: 4 }),
  fc.integer({ min: 0, max: SLOT_VERSION_MAX }),
  fc.constant(SLOT_VERSION_MAX),
);

/** A canonical rights set: `fc.subarray` keeps the order of ALL_RIGHTS, which is sorted. */
export const rightsArb: fc.Arbitrary<Rights> = fc.subarray([...ALL_RIGHTS]);

/** A list of rights as a caller might pass it: any order, duplicates allowed. */
export const rightsRequestArb: fc.Arbitrary<Rights> = fc.array(fc.constantFrom(...ALL_RIGHTS), { maxLength: 4 });

/** A model capability whose caveats are any rights sets, narrowing or not, up to `maxCaveats`. */
export const capabilityArb = (maxCaveats: number = CAVEATS_MAX): fc.Arbitrary<Capability> =>
  fc.record({
    object: objectIdArb,
    slot: slotArb,
    version: versionArb,
    rights: rightsArb,
    caveats: fc.array(rightsArb, { maxLength: maxCaveats }),
  });

/** A model capability whose caveats each narrow the rights held before them, as attenuation makes. */
export const attenuatedCapabilityArb = (maxCaveats: number = CAVEATS_MAX): fc.Arbitrary<Capability> =>
  capabilityArb(maxCaveats).map((cap) => {
    let held = cap.rights;
    const caveats = cap.caveats.map((requested) => {
      held = intersect(requested, held);
      return held;
    });
    return { ...cap, caveats };
  });

export const revokerArb: fc.Arbitrary<Revoker> = fc.record({ object: objectIdArb, slot: slotArb, version: versionArb });

export const ownerKeyBytesArb: fc.Arbitrary<Uint8Array> = fc.uint8Array({
  minLength: OWNER_KEY_BYTES_MIN,
  maxLength: 2 * OWNER_KEY_BYTES_MIN,
});

export const ownerKeyArb: fc.Arbitrary<OwnerKey> = ownerKeyBytesArb.map(ownerKey);

export const macArb: fc.Arbitrary<Uint8Array> = fc.uint8Array({ minLength: MAC_BYTES, maxLength: MAC_BYTES });

/** A well-formed token with a random MAC, which no key need have produced. */
export const tokenArb: fc.Arbitrary<Token> = fc.oneof(
  fc
    .tuple(capabilityArb(), macArb)
    .map(([cap, mac]): CapabilityToken => ({ kind: 'capability', ...cap, mac })),
  fc.tuple(revokerArb, macArb).map(([revoker, mac]): RevokerToken => ({ kind: 'revoker', ...revoker, mac })),
);

export interface MintedToken<T extends Token = Token> {
  readonly key: OwnerKey;
  readonly token: T;
}

/** A capability token minted with a random key, with up to `maxCaveats` narrowing caveats. */
export const mintedCapabilityArb = (maxCaveats: number = CAVEATS_MAX): fc.Arbitrary<MintedToken<CapabilityToken>> =>
  fc
    .tuple(ownerKeyArb, attenuatedCapabilityArb(maxCaveats))
    .map(([key, cap]) => ({ key, token: mintCapability(key, cap) }));

export const mintedRevokerArb: fc.Arbitrary<MintedToken<RevokerToken>> = fc
  .tuple(ownerKeyArb, revokerArb)
  .map(([key, revoker]) => ({ key, token: mintRevoker(key, revoker) }));

/** A capability or revoker token minted with a random key; capabilities get up to `maxCaveats` caveats. */
export const mintedTokenArb = (maxCaveats: number = CAVEATS_MAX): fc.Arbitrary<MintedToken> =>
  fc.oneof(
    { weight: 3, arbitrary: mintedCapabilityArb(maxCaveats) as fc.Arbitrary<MintedToken> },
    { weight: 1, arbitrary: mintedRevokerArb as fc.Arbitrary<MintedToken> },
  );
