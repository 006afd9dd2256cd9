/**
 * io-ts codecs between token strings and tokens. Decoding accepts only canonical strings:
 * re-encoding a decoded token gives back the input exactly, so no two strings decode to the same
 * token. Any bad input, string or not, gives a failure with a message and no exception. Decoding
 * throws only a Defect, when a parsed token does not re-encode to its input. That would be a parser
 * bug, and the totality properties in test/impl/token-decode.test.ts search for one.
 *
 * NOTE: as everywhere in io-ts, a ValidationError's `value` and `context` hold the input, which
 * for a token is a bearer credential. Log `tokenErrorMessages(errors)`, never the errors
 * themselves: the messages name what is wrong and never contain a key or a MAC.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { invariant } from '../../model/index.ts';
import { TOKEN_LENGTH_MAX } from '../limits.ts';
import { decodeBase64url, encodeBase64url } from './base64url.ts';
import { recalledToken, rememberToken } from './decode-cache.ts';
import { isToken } from './guard.ts';
import { countOf } from './message.ts';
import { parseTokenBytes } from './read.ts';
import type { CapabilityToken, RevokerToken, Token } from './token.ts';
import { encodeTokenBytes } from './write.ts';

/**
 * Encodes a token as its base64url string. Throws a Defect for a token whose fields are out of range.
 * The decode memo keeps the string with the token a fresh decode would give, because a minted
 * token is decoded soon after: by the client that receives it, and by the owner it comes back to.
 */
export const encodeToken = (token: Token): string => {
  const text = encodeTokenText(token);
  rememberToken(text, asDecoded(token));
  return text;
};

const encodeTokenText = (token: Token): string => encodeBase64url(encodeTokenBytes(token));

/** Returns `token` as `parseTokenBytes` reads it back from its encoding: the same fields in the
 * same order. Its rights arrays are copies, because the memo freezes what it keeps; encoding has
 * checked that each is in the canonical order that decoding gives. */
const asDecoded = (token: Token): Token => {
  const fields = { object: token.object, slot: token.slot, version: token.version, mac: token.mac };
  if (token.kind === 'revoker') {
    return { kind: 'revoker', ...fields };
  }
  return { kind: 'capability', ...fields, rights: [...token.rights], caveats: token.caveats.map((caveat) => [...caveat]) };
};

/** Decodes a token string, or returns a message naming the first problem. */
export const decodeTokenString = (input: unknown): E.Either<string, Token> => {
  if (typeof input !== 'string') {
    return E.left(`a token is a base64url string, got ${input === null ? 'null' : typeof input}`);
  }
  if (input.length === 0) {
    return E.left('token is empty');
  }
  if (input.length > TOKEN_LENGTH_MAX) {
    return E.left(`token has ${countOf(input.length, 'character')}; a token has at most ${TOKEN_LENGTH_MAX}`);
  }

  const recalled = recalledToken(input);
  if (recalled !== undefined) {
    return E.right(recalled);
  }

  const bytes = decodeBase64url(input);
  if (E.isLeft(bytes)) {
    return bytes;
  }

  const token = parseTokenBytes(bytes.right);
  if (E.isLeft(token)) {
    return token;
  }

  invariant(encodeTokenText(token.right) === input, 'a token string passed every check but does not re-encode to itself');
  rememberToken(input, token.right);
  return token;
};

export const TokenCodec: t.Type<Token, string, unknown> = new t.Type<Token, string, unknown>(
  'Token',
  isToken,
  (input, context) => {
    const decoded = decodeTokenString(input);
    return E.isLeft(decoded) ? t.failure(input, context, decoded.left) : t.success(decoded.right);
  },
  encodeToken,
);

export const CapabilityTokenCodec: t.Type<CapabilityToken, string, unknown> = new t.Type<CapabilityToken, string, unknown>(
  'CapabilityToken',
  (value): value is CapabilityToken => isToken(value) && value.kind === 'capability',
  (input, context) => {
    const decoded = decodeTokenString(input);
    if (E.isLeft(decoded)) {
      return t.failure(input, context, decoded.left);
    }
    if (decoded.right.kind !== 'capability') {
      return t.failure(input, context, 'expected a capability token, got a revoker token');
    }
    return t.success(decoded.right);
  },
  encodeToken,
);

export const RevokerTokenCodec: t.Type<RevokerToken, string, unknown> = new t.Type<RevokerToken, string, unknown>(
  'RevokerToken',
  (value): value is RevokerToken => isToken(value) && value.kind === 'revoker',
  (input, context) => {
    const decoded = decodeTokenString(input);
    if (E.isLeft(decoded)) {
      return t.failure(input, context, decoded.left);
    }
    if (decoded.right.kind !== 'revoker') {
      return t.failure(input, context, 'expected a revoker token, got a capability token');
    }
    return t.success(decoded.right);
  },
  encodeToken,
);

/** Returns one line per validation error, with its path, and never the input value. */
export const tokenErrorMessages = (errors: t.Errors): ReadonlyArray<string> =>
  errors.map((error) => {
    const path = error.context
      .map((entry) => entry.key)
      .filter((key) => key !== '')
      .join('.');
    const message = error.message ?? `invalid ${error.context.at(-1)?.type.name ?? 'value'}`;
    return path === '' ? message : `${path}: ${message}`;
  });
