/**
 * Forgery resistance of the token format: every small change to a valid token's bytes or string
 * is rejected by the decoder or yields a token that fails verification. The loops are exhaustive
 * for each token (every bit, every byte value, every character, every truncation); the tokens
 * themselves are random.
 */
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  encodeBase64url,
  encodeToken,
  encodeTokenBytes,
  TokenCodec,
  tokenErrorMessages,
  verifyToken,
  type OwnerKey,
  type Token,
} from '../../impl/token/index.ts';
import { mintedTokenArb } from '../../properties/arbitraries/token.ts';
import { runs } from './token-support.ts';

/** Tokens per mutation family. Each costs thousands of decodes, so a few dozen suffice. */
const TOKENS = 24;

/** Tokens for the every-byte-value family, which costs 255 decodes per byte: about 0.4 s per token. */
const TOKENS_BYTE_CHANGES = 12;

/** Caveats per random token: enough to cover several chain steps and keep each loop short. */
const CAVEATS_MAX_HERE = 4;

const BASE64URL = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'];

/** Characters outside base64url that a mangled token might contain. */
const FOREIGN = ['=', '+', '/', ' ', '.', '\n', '\u0000', '\u00e9', '\u{1f600}'];

type Outcome = 'rejected' | 'unverified' | 'original' | 'forged' | 'threw' | 'leaked';

type Tally = Record<Outcome, number>;

const emptyTally = (): Tally => ({ rejected: 0, unverified: 0, original: 0, forged: 0, threw: 0, leaked: 0 });

/** Decodes a mutated string and classifies the result against the original token. */
const classify = (key: OwnerKey, original: Token, originalText: string, input: string): Outcome => {
  let decoded: ReturnType<typeof TokenCodec.decode>;
  try {
    decoded = TokenCodec.decode(input);
  } catch {
    return 'threw';
  }

  if (E.isLeft(decoded)) {
    return leaksSecret(original, originalText, tokenErrorMessages(decoded.left)) ? 'leaked' : 'rejected';
  }
  if (encodeToken(decoded.right) === originalText) {
    return 'original';
  }
  return verifyToken(key, decoded.right) ? 'forged' : 'unverified';
};

const leaksSecret = (token: Token, text: string, messages: ReadonlyArray<string>): boolean => {
  const mac = encodeBase64url(token.mac);
  const macHex = Buffer.from(token.mac).toString('hex');
  return messages.some((message) => message.includes(mac.slice(0, 8)) || message.includes(macHex.slice(0, 8)) || message.includes(text));
};

/** Checks one token against every mutation `mutations` yields, and adds the outcomes to `tally`. */
const checkMutations = (key: OwnerKey, token: Token, mutations: Iterable<string>, tally: Tally): Tally => {
  const text = encodeToken(token);
  const local = emptyTally();
  for (const input of mutations) {
    local[classify(key, token, text, input)] += 1;
  }
  for (const outcome of Object.keys(local) as Outcome[]) {
    tally[outcome] += local[outcome];
  }
  return local;
};

const expectSafe = (tally: Tally): void => {
  expect(tally.forged, 'mutations that decode and verify as a different token').toBe(0);
  expect(tally.original, 'mutations that decode to the original token (non-canonical input)').toBe(0);
  expect(tally.threw, 'mutations on which the decoder threw').toBe(0);
  expect(tally.leaked, 'rejections whose message contains the MAC or the token').toBe(0);
};

function* bitFlips(bytes: Uint8Array): Generator<string> {
  for (let index = 0; index < bytes.length; index += 1) {
    for (let bit = 0; bit < 8; bit += 1) {
      const copy = new Uint8Array(bytes);
      copy[index] = (copy[index] as number) ^ (1 << bit);
      yield encodeBase64url(copy);
    }
  }
}

function* byteChanges(bytes: Uint8Array): Generator<string> {
  for (let index = 0; index < bytes.length; index += 1) {
    for (let value = 0; value < 256; value += 1) {
      if (value !== bytes[index]) {
        const copy = new Uint8Array(bytes);
        copy[index] = value;
        yield encodeBase64url(copy);
      }
    }
  }
}

function* byteTruncations(bytes: Uint8Array): Generator<string> {
  for (let length = 0; length < bytes.length; length += 1) {
    yield encodeBase64url(bytes.subarray(0, length));
  }
}

function* byteExtensions(bytes: Uint8Array, tails: ReadonlyArray<Uint8Array>): Generator<string> {
  for (let value = 0; value < 256; value += 1) {
    yield encodeBase64url(Uint8Array.from([...bytes, value]));
  }
  for (const tail of tails) {
    yield encodeBase64url(Uint8Array.from([...bytes, ...tail]));
  }
}

function* characterChanges(text: string): Generator<string> {
  for (let index = 0; index < text.length; index += 1) {
    for (const char of [...BASE64URL, ...FOREIGN]) {
      if (char !== text[index]) {
        yield text.slice(0, index) + char + text.slice(index + 1);
      }
    }
  }
}

function* characterDeletions(text: string): Generator<string> {
  for (let index = 0; index < text.length; index += 1) {
    yield text.slice(0, index) + text.slice(index + 1);
  }
}

function* stringTruncations(text: string): Generator<string> {
  for (let length = 0; length < text.length; length += 1) {
    yield text.slice(0, length);
  }
}

function* stringExtensions(text: string, tails: ReadonlyArray<string>): Generator<string> {
  for (const char of [...BASE64URL, ...FOREIGN]) {
    yield text + char;
  }
  yield `${text}==`;
  for (const tail of tails) {
    yield text + tail;
  }
}

const byteTailsArb = fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 8 });

const stringTailsArb = fc.array(fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: 1, maxLength: 60 }), {
  minLength: 1,
  maxLength: 8,
});

describe('token forgery at the byte level', () => {
  it('every bit flip is rejected or unverified', () => {
    const total = emptyTally();

    fc.assert(
      fc.property(mintedTokenArb(CAVEATS_MAX_HERE), ({ key, token }) => {
        expectSafe(checkMutations(key, token, bitFlips(encodeTokenBytes(token)), total));
      }),
      runs(TOKENS),
    );

    expect(total.rejected, 'mutations the decoder rejected').toBeGreaterThan(0);
    expect(total.unverified, 'mutations that decoded but failed verification').toBeGreaterThan(0);
  });

  it('every byte change is rejected or unverified', () => {
    const total = emptyTally();

    fc.assert(
      fc.property(mintedTokenArb(CAVEATS_MAX_HERE), ({ key, token }) => {
        expectSafe(checkMutations(key, token, byteChanges(encodeTokenBytes(token)), total));
      }),
      runs(TOKENS_BYTE_CHANGES),
    );

    expect(total.rejected, 'mutations the decoder rejected').toBeGreaterThan(0);
    expect(total.unverified, 'mutations that decoded but failed verification').toBeGreaterThan(0);
  });

  it('every truncation is rejected', () => {
    const total = emptyTally();

    fc.assert(
      fc.property(mintedTokenArb(CAVEATS_MAX_HERE), ({ key, token }) => {
        const tally = checkMutations(key, token, byteTruncations(encodeTokenBytes(token)), total);

        expectSafe(tally);
        expect(tally.unverified, 'truncations that decoded').toBe(0);
      }),
      runs(TOKENS),
    );

    expect(total.rejected, 'mutations the decoder rejected').toBeGreaterThan(0);
  });

  it('every extension is rejected', () => {
    const total = emptyTally();

    fc.assert(
      fc.property(mintedTokenArb(CAVEATS_MAX_HERE), byteTailsArb, ({ key, token }, tails) => {
        const tally = checkMutations(key, token, byteExtensions(encodeTokenBytes(token), tails), total);

        expectSafe(tally);
        expect(tally.unverified, 'extensions that decoded').toBe(0);
      }),
      runs(TOKENS),
    );

    expect(total.rejected, 'mutations the decoder rejected').toBeGreaterThan(0);
  });
});

describe('token forgery at the string level', () => {
  it('every character change is rejected or unverified', () => {
    const total = emptyTally();

    fc.assert(
      fc.property(mintedTokenArb(CAVEATS_MAX_HERE), ({ key, token }) => {
        expectSafe(checkMutations(key, token, characterChanges(encodeToken(token)), total));
      }),
      runs(TOKENS),
    );

    expect(total.rejected, 'mutations the decoder rejected').toBeGreaterThan(0);
    expect(total.unverified, 'mutations that decoded but failed verification').toBeGreaterThan(0);
  });

  it('every character deletion is rejected or unverified', () => {
    const total = emptyTally();

    fc.assert(
      fc.property(mintedTokenArb(CAVEATS_MAX_HERE), ({ key, token }) => {
        expectSafe(checkMutations(key, token, characterDeletions(encodeToken(token)), total));
      }),
      runs(TOKENS),
    );

    expect(total.rejected, 'mutations the decoder rejected').toBeGreaterThan(0);
  });

  it('every truncation is rejected', () => {
    const total = emptyTally();

    fc.assert(
      fc.property(mintedTokenArb(CAVEATS_MAX_HERE), ({ key, token }) => {
        const tally = checkMutations(key, token, stringTruncations(encodeToken(token)), total);

        expectSafe(tally);
        expect(tally.unverified, 'truncations that decoded').toBe(0);
      }),
      runs(TOKENS),
    );

    expect(total.rejected, 'mutations the decoder rejected').toBeGreaterThan(0);
  });

  it('every extension is rejected', () => {
    const total = emptyTally();

    fc.assert(
      fc.property(mintedTokenArb(CAVEATS_MAX_HERE), stringTailsArb, ({ key, token }, tails) => {
        const tally = checkMutations(key, token, stringExtensions(encodeToken(token), tails), total);

        expectSafe(tally);
        expect(tally.unverified, 'extensions that decoded').toBe(0);
      }),
      runs(TOKENS),
    );

    expect(total.rejected, 'mutations the decoder rejected').toBeGreaterThan(0);
  });

});
