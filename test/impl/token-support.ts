/** Shared settings and helpers for the token tests. */
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { TokenCodec, tokenErrorMessages, type Token } from '../../impl/token/index.ts';

/** Seed of every token property: SHARDCAP_SEED when set, so a failure replays, else a constant. */
const readSeed = (): number => {
  const text = process.env['SHARDCAP_SEED'];
  if (text === undefined || text === '') {
    return 0x5eed_70c;
  }
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) {
    throw new TypeError(`invalid SHARDCAP_SEED=${JSON.stringify(text)}: expected an integer`);
  }
  return seed;
};

export const SEED = readSeed();

export const runs = (numRuns: number): { readonly seed: number; readonly numRuns: number } => ({ seed: SEED, numRuns });

/** Decodes a value that must be a valid token string, failing with the decoder's messages if not. */
export const decodeValid = (input: unknown): Token => {
  const decoded = TokenCodec.decode(input);
  if (E.isLeft(decoded)) {
    throw new Error(`expected a valid token, got: ${tokenErrorMessages(decoded.left).join('; ')}`);
  }
  return decoded.right;
};

/** Returns the error messages of a validation that must fail. */
export const failureMessages = <A>(validation: t.Validation<A>): ReadonlyArray<string> => {
  if (E.isRight(validation)) {
    throw new Error('expected the decoder to reject the input, but it decoded');
  }
  return tokenErrorMessages(validation.left);
};

/** Returns the error messages of a token decode that must fail, joined into one line. */
export const decodeError = (input: unknown): string => failureMessages(TokenCodec.decode(input)).join('; ');
