/**
 * Strict base64url without padding (RFC 4648 section 5). Node's decoder skips characters outside
 * the alphabet and ignores nonzero unused bits, so this one checks both and accepts exactly the
 * strings that `encodeBase64url` produces.
 */
import * as E from 'fp-ts/lib/Either.js';
import { countOf } from './message.ts';

const ALPHABET_PATTERN = /^[A-Za-z0-9_-]*$/;

export const encodeBase64url = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');

/** Decodes `text`, or returns a message naming the first problem. */
export const decodeBase64url = (text: string): E.Either<string, Uint8Array> => {
  if (!ALPHABET_PATTERN.test(text)) {
    const position = [...text].findIndex((char) => !ALPHABET_PATTERN.test(char));
    const codePoint = [...text][position]?.codePointAt(0) ?? 0;
    return E.left(
      `token character ${position + 1} is ${formatCodePoint(codePoint)}, which is not base64url; ` +
        `a token uses only A-Z, a-z, 0-9, '-' and '_', without '=' padding`,
    );
  }

  if (text.length % 4 === 1) {
    return E.left(
      `token has ${countOf(text.length, 'character')}, one more than a multiple of 4, which no base64url string has; ` +
        'a character is missing or extra',
    );
  }

  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) {
    return E.left('token is not canonical base64url: its last character sets bits that encode no byte');
  }

  // A view, not a copy: the Buffer is this call's own, usually a slice of Node's shared pool.
  return E.right(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
};

const formatCodePoint = (codePoint: number): string =>
  `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
