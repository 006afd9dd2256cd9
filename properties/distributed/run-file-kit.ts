/**
 * Building blocks of the recorded run file's codecs: io-ts codecs whose names are the phrases an
 * error message puts after "expected", and `show` for the bad values in those messages.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { invariant } from '../../model/index.ts';

/** Longest JSON text of a bad value that an error message shows in full. */
const VALUE_SHOWN_CHARS_MAX = 60;

/** Shows a value as JSON text, cut to VALUE_SHOWN_CHARS_MAX characters. */
export const show = (value: unknown): string => {
  // JSON.stringify writes Infinity as null, and JSON.parse reads 1e999 as Infinity.
  const text = typeof value === 'number' && !Number.isFinite(value) ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length <= VALUE_SHOWN_CHARS_MAX ? text : `${text.slice(0, VALUE_SHOWN_CHARS_MAX - 3)}...`;
};

export type Codec<A> = t.Type<A, unknown, unknown>;

export const isRecord = (input: unknown): input is Readonly<Record<string, unknown>> =>
  typeof input === 'object' && input !== null && !Array.isArray(input);

export const leaf = <A>(name: string, is: (input: unknown) => input is A): Codec<A> =>
  new t.Type<A, unknown, unknown>(name, is, (input, context) => (is(input) ? t.success(input) : t.failure(input, context)), (value) => value);

export const isNumber = (input: unknown): input is number => typeof input === 'number' && Number.isFinite(input);

export const isInteger = (input: unknown): input is number => typeof input === 'number' && Number.isSafeInteger(input);

export const Text = leaf('a string', (input): input is string => typeof input === 'string');
export const Flag = leaf('true or false', (input): input is boolean => typeof input === 'boolean');
export const TimeMs = leaf('a finite number', isNumber);
export const Integer = leaf('an integer', isInteger);
export const NonNegativeInteger = leaf('a non-negative integer', (input): input is number => isInteger(input) && input >= 0);
export const PositiveInteger = leaf('an integer of at least 1', (input): input is number => isInteger(input) && input >= 1);
export const Rate = leaf('a number from 0 to 1', (input): input is number => isNumber(input) && input >= 0 && input <= 1);
export const DurationMs = leaf('a finite number of at least 0', (input): input is number => isNumber(input) && input >= 0);
/** Whatever the system returned for an `ok` outcome: any JSON value, but present. */
export const JsonValue = leaf('a JSON value', (input): input is unknown => input !== undefined);

/** Date and time with seconds and a zone, as `Date.prototype.toISOString` writes it. */
export const ISO_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export const IsoTime = leaf(
  'an ISO 8601 time such as "2025-01-31T12:00:00.000Z"',
  (input): input is string => typeof input === 'string' && ISO_TIME_PATTERN.test(input) && !Number.isNaN(Date.parse(input)),
);

/** Error phrases for the codecs reused from the wire format, whose names are type names. */
export const DESCRIPTIONS: Readonly<Record<string, string>> = {
  NodeId: 'a node id (1 to 32 lowercase letters, digits or dashes, starting with a letter or digit)',
  ObjectId: 'an object id "<owner node id>/<serial>"',
  Count: 'a non-negative integer',
};

export const describe = (type: t.Decoder<unknown, unknown>): string => DESCRIPTIONS[type.name] ?? type.name;

export const oneOf = <V extends string>(values: ReadonlyArray<V>): Codec<V> =>
  leaf(
    `one of ${values.map((value) => JSON.stringify(value)).join(', ')}`,
    (input): input is V => typeof input === 'string' && (values as ReadonlyArray<string>).includes(input),
  );

/** The keys of `record`; the `Record` type makes the compiler require every member of `V`. */
export const keysOf = <V extends string>(record: Readonly<Record<V, null>>): ReadonlyArray<V> => Object.keys(record) as V[];

export const arrayOf = <A>(item: Codec<A>): Codec<ReadonlyArray<A>> => t.readonlyArray(item, 'an array');

export const nullable = <A>(codec: Codec<A>): Codec<A | null> =>
  new t.Type<A | null, unknown, unknown>(
    `${describe(codec)} or null`,
    (input): input is A | null => input === null || codec.is(input),
    (input, context) => {
      if (input === null) {
        return t.success(null);
      }
      const result = codec.validate(input, context);
      // A value of the wrong kind altogether gets one message that names both choices; a bad
      // field deeper inside keeps its own path.
      if (E.isLeft(result) && result.left.every((error) => error.context.length === context.length)) {
        return t.failure(input, context, `expected ${describe(codec)} or null`);
      }
      return result;
    },
    (value) => (value === null ? null : codec.encode(value)),
  );

/** Builds a codec for a set, written as an array without duplicates and encoded in sorted order. */
export const setOf = <V extends string>(item: Codec<V>): Codec<ReadonlySet<V>> => {
  const array = arrayOf(item);
  return new t.Type<ReadonlySet<V>, unknown, unknown>(
    `an array of distinct values, each ${item.name}`,
    (input): input is ReadonlySet<V> => input instanceof Set && [...input].every((value) => item.is(value)),
    (input, context) => {
      const decoded = array.validate(input, context);
      if (E.isLeft(decoded)) {
        return decoded;
      }
      const values = decoded.right;
      const repeated = values.findIndex((value, index) => values.indexOf(value) !== index);
      if (repeated >= 0) {
        const value = values[repeated];
        return t.failure(value, [...context, { key: String(repeated), type: item, actual: value }], 'expected no value twice');
      }
      return t.success(new Set(values));
    },
    (set) => [...set].sort(),
  );
};

export const UNKNOWN_FIELD = 'unknown field; remove it or correct its spelling';

export const unknownFieldErrors = (input: Readonly<Record<string, unknown>>, known: ReadonlyArray<string>, context: t.Context): t.Errors =>
  Object.keys(input)
    .filter((key) => !known.includes(key))
    .map((key) => ({ value: input[key], context: [...context, { key, type: t.unknown, actual: input[key] }], message: UNKNOWN_FIELD }));

export type FieldsOf<P extends t.Props> = { readonly [K in keyof P]: t.TypeOf<P[K]> };

/**
 * Builds a codec for a JSON object with exactly the fields of `props`. Decoding rejects unknown
 * fields, so a misspelled field cannot pass unnoticed, and encoding drops fields outside `props`.
 */
export const object = <P extends t.Props>(name: string, props: P): Codec<FieldsOf<P>> => {
  const exact = t.exact(t.type(props));
  const known = Object.keys(props);
  return new t.Type<FieldsOf<P>, unknown, unknown>(
    name,
    (input): input is FieldsOf<P> => exact.is(input),
    (input, context) => {
      if (!isRecord(input)) {
        return t.failure(input, context, `expected ${name}, an object with the fields ${known.join(', ')}`);
      }
      const unknown = unknownFieldErrors(input, known, context);
      const decoded = exact.validate(input, context);
      if (E.isLeft(decoded)) {
        return t.failures([...unknown, ...decoded.left]);
      }
      return unknown.length > 0 ? t.failures(unknown) : t.success(decoded.right as FieldsOf<P>);
    },
    (value) => exact.encode(value as t.TypeOf<typeof exact>),
  );
};

/**
 * Builds a codec for a union of objects distinguished by the string field `tag`. An unknown tag
 * gets one message that lists the valid ones, in place of one error for each member of the union.
 */
export const taggedUnion = <A extends Readonly<Record<T, string>>, T extends string>(
  name: string,
  tag: T,
  cases: { readonly [K in A[T]]: Codec<Extract<A, Readonly<Record<T, K>>>> },
): Codec<A> => {
  const byTag = cases as unknown as Readonly<Record<string, Codec<A>>>;
  const tags = Object.keys(byTag);
  const caseOf = (input: unknown): Codec<A> | undefined => {
    const value = isRecord(input) ? input[tag] : undefined;
    return typeof value === 'string' && Object.hasOwn(byTag, value) ? byTag[value] : undefined;
  };
  return new t.Type<A, unknown, unknown>(
    name,
    (input): input is A => caseOf(input)?.is(input) ?? false,
    (input, context) => {
      if (!isRecord(input)) {
        return t.failure(input, context, `expected ${name}, an object with a "${tag}" field`);
      }
      const codec = caseOf(input);
      if (codec === undefined) {
        const value = input[tag];
        return t.failure(value, [...context, { key: tag, type: t.unknown, actual: value }], `expected one of ${tags.map((each) => JSON.stringify(each)).join(', ')}`);
      }
      return codec.validate(input, context);
    },
    (value) => {
      const codec = caseOf(value);
      invariant(codec !== undefined, `no ${name} codec for ${tag} ${JSON.stringify(value[tag])}`);
      return codec.encode(value);
    },
  );
};
