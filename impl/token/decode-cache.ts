/**
 * A bounded memo of decoded token strings. Decoding is a pure function of the string, and one
 * token is decoded many times on its way. The client decodes it to pick the owner, the owner to
 * guard it, and the test harness to convert it to the model's value. The memo skips the parse and its
 * re-encoding check for a string decoded before. Failed decodes are not kept.
 */
import type { Token } from './token.ts';

/** Token strings the memo keeps. When it is full it starts over empty, so its memory stays below
 * about this many tokens of at most TOKEN_LENGTH_MAX characters each. */
export const DECODED_TOKENS_MAX = 4096;

const decoded = new Map<string, Token>();

/** Returns the token `text` decoded to before, or undefined. Each call returns a new object with
 * its own MAC bytes, so a caller that changes its token cannot change another caller's. */
export const recalledToken = (text: string): Token | undefined => {
  const token = decoded.get(text);
  return token === undefined ? undefined : { ...token, mac: new Uint8Array(token.mac) };
};

/** Empties the memo, so that the next decode of every string parses it. */
export const forgetDecodedTokens = (): void => {
  decoded.clear();
};

/** Keeps a successfully decoded token. The rights arrays it keeps are frozen, because every
 * token recalled from the memo shares them. */
export const rememberToken = (text: string, token: Token): void => {
  if (decoded.size >= DECODED_TOKENS_MAX) {
    decoded.clear();
  }

  const mac = new Uint8Array(token.mac);
  if (token.kind === 'revoker') {
    decoded.set(text, { ...token, mac });
    return;
  }
  decoded.set(text, {
    ...token,
    rights: Object.freeze(token.rights),
    caveats: Object.freeze(token.caveats.map((caveat) => Object.freeze(caveat))),
    mac,
  });
};
