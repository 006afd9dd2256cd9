/**
 * Runtime check of an in-memory token: the fields a token built by hand could get wrong. It
 * backs the codec's `is` and guards encoding, so a token that cannot be encoded canonically is
 * caught before any byte is written.
 */
import { ALL_RIGHTS, isObjectId } from '../../model/index.ts';
import { CAVEATS_MAX, SLOT_VERSION_MAX, SLOTS_PER_OBJECT_MAX, TOKEN_OBJECT_ID_BYTES_MAX } from '../limits.ts';
import { MAC_BYTES } from './format.ts';
import type { Token } from './token.ts';

/** Returns what is wrong with a value as a token, or undefined for a valid token. The text never
 * contains the MAC. */
export const tokenProblem = (value: unknown): string | undefined => {
  const problem = unsignedTokenProblem(value);
  if (problem !== undefined) {
    return problem;
  }

  const mac = (value as Record<string, unknown>)['mac'];
  if (!(mac instanceof Uint8Array) || mac.length !== MAC_BYTES) {
    return `token MAC must be a Uint8Array of ${MAC_BYTES} bytes`;
  }

  return undefined;
};

export const isToken = (value: unknown): value is Token => tokenProblem(value) === undefined;

/** Returns what is wrong with a value as a token, the MAC left unchecked, or undefined when
 * nothing is. */
export const unsignedTokenProblem = (value: unknown): string | undefined => {
  if (typeof value !== 'object' || value === null) {
    return `a token is an object, got ${value === null ? 'null' : typeof value}`;
  }
  const token = value as Record<string, unknown>;

  if (token['kind'] !== 'capability' && token['kind'] !== 'revoker') {
    return `token kind must be "capability" or "revoker", got ${describe(token['kind'])}`;
  }

  const object = token['object'];
  if (typeof object !== 'string' || !isObjectId(object)) {
    return `token object must be an object id <owner>/<serial>, got ${describe(object)}`;
  }
  // A valid object id is ASCII, so its length in characters is its length in UTF-8 bytes.
  if (object.length > TOKEN_OBJECT_ID_BYTES_MAX) {
    return `token object id is longer than ${TOKEN_OBJECT_ID_BYTES_MAX} bytes`;
  }

  const slot = token['slot'];
  if (!isIntegerIn(slot, 0, SLOTS_PER_OBJECT_MAX - 1)) {
    return `token slot must be an integer from 0 to ${SLOTS_PER_OBJECT_MAX - 1}, got ${describe(slot)}`;
  }

  const version = token['version'];
  if (!isIntegerIn(version, 0, SLOT_VERSION_MAX)) {
    return `token version must be an integer from 0 to ${SLOT_VERSION_MAX}, got ${describe(version)}`;
  }

  if (token['kind'] === 'revoker') {
    return undefined;
  }

  if (!isCanonicalRights(token['rights'])) {
    return `token rights must be a sorted array of distinct rights from ${ALL_RIGHTS.join(', ')}, got ${describe(token['rights'])}`;
  }

  const caveats = token['caveats'];
  if (!Array.isArray(caveats) || caveats.length > CAVEATS_MAX) {
    return `token caveats must be an array of at most ${CAVEATS_MAX} rights sets, got ${describe(caveats)}`;
  }
  const bad = caveats.findIndex((caveat) => !isCanonicalRights(caveat));
  if (bad >= 0) {
    return `token caveat ${bad + 1} of ${caveats.length} must be a sorted array of distinct rights, got ${describe(caveats[bad])}`;
  }

  return undefined;
};

const isIntegerIn = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

/** Returns whether `value` is the model's canonical form of a set of rights, as `rightsOf` builds
 * it: distinct known rights in the order of ALL_RIGHTS. */
const isCanonicalRights = (value: unknown): boolean => {
  if (!Array.isArray(value)) {
    return false;
  }
  let previous = -1;
  for (let index = 0; index < value.length; index++) {
    const position = ALL_RIGHTS.indexOf(value[index] as (typeof ALL_RIGHTS)[number]);
    if (position <= previous) {
      return false;
    }
    previous = position;
  }
  return true;
};

/** Maximum length of a field description in a message, in characters. */
const DESCRIPTION_LENGTH_MAX = 60;

/** Describes a field value for an error message. It catches JSON.stringify, which throws on cycles and BigInt. */
const describe = (value: unknown): string => {
  let text: string;
  try {
    text = JSON.stringify(value) ?? typeof value;
  } catch {
    text = typeof value;
  }
  return text.length > DESCRIPTION_LENGTH_MAX ? `${text.slice(0, DESCRIPTION_LENGTH_MAX)}...` : text;
};
