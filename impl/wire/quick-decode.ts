/**
 * Decoding with an io-ts codec, minus the error reports. `codec.decode` records a context path
 * for every field it visits, so that a failure report names the field. On a frame that is
 * valid, which is nearly every frame, that bookkeeping is most of the decoding cost. This module
 * walks the same codecs without it and returns the same value for every input the codec accepts.
 * A caller that needs the reason for a failure runs `codec.decode` after this fails.
 *
 * It follows io-ts 2.2's own rules for the codec kinds the wire messages use: interfaces
 * (`t.type`), unions (tagged or not), literals, `t.keyof`, refinements, strings and numbers. Any
 * other codec, such as the hand-written ones in codecs.ts, is asked through its own `validate`.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';

/** Result of `quickDecode` for an input the codec rejects. */
export const INVALID: unique symbol = Symbol('invalid');

const hasOwn = (value: object, key: string): boolean => Object.prototype.hasOwnProperty.call(value, key);

/** Context passed to codecs that are asked through their own `validate`. They read it only to
 * describe a failure, and a failure here is never reported. */
const NO_CONTEXT: t.Context = [];

/** A compiled `quickDecode` for one codec. */
type QuickDecoder = (input: unknown) => unknown;

/** Compiled decoders by codec. Codecs are module constants, so this stays small. */
const compiled = new WeakMap<t.Decoder<unknown, unknown>, QuickDecoder>();

/** Returns what `codec.decode(input)` would return on success, or INVALID when it would fail. */
export const quickDecode = (codec: t.Decoder<unknown, unknown>, input: unknown): unknown => decoderOf(codec)(input);

const decoderOf = (codec: t.Decoder<unknown, unknown>): QuickDecoder => {
  let decoder = compiled.get(codec);
  if (decoder === undefined) {
    decoder = compile(codec);
    compiled.set(codec, decoder);
  }
  return decoder;
};

/** Builds the decoder of one codec once, so that decoding a value only runs the checks. */
const compile = (codec: t.Decoder<unknown, unknown>): QuickDecoder => {
  if (codec instanceof t.StringType) {
    return (input) => (typeof input === 'string' ? input : INVALID);
  }
  if (codec instanceof t.NumberType) {
    return (input) => (typeof input === 'number' ? input : INVALID);
  }
  if (codec instanceof t.LiteralType) {
    const value: unknown = codec.value;
    return (input) => (input === value ? value : INVALID);
  }
  if (codec instanceof t.KeyofType) {
    const keys = codec.keys as object;
    return (input) => (typeof input === 'string' && hasOwn(keys, input) ? input : INVALID);
  }
  if (codec instanceof t.RefinementType) {
    const base = decoderOf(codec.type as t.Decoder<unknown, unknown>);
    const predicate = codec.predicate as (value: unknown) => boolean;
    return (input) => {
      const decoded = base(input);
      return decoded !== INVALID && predicate(decoded) ? decoded : INVALID;
    };
  }
  if (codec instanceof t.InterfaceType) {
    return compileInterface(codec.props as t.Props);
  }
  if (codec instanceof t.UnionType) {
    return compileUnion(codec.types as ReadonlyArray<t.Decoder<unknown, unknown>>);
  }

  return (input) => {
    const result = codec.validate(input, NO_CONTEXT);
    return E.isRight(result) ? result.right : INVALID;
  };
};

/**
 * Decodes each property in turn. As in io-ts, the result is the input object itself when every
 * property decodes to the value it had, and otherwise a shallow copy with the decoded values.
 */
const compileInterface = (props: t.Props): QuickDecoder => {
  const keys = Object.keys(props);
  const decoders = keys.map((key) => decoderOf(props[key] as t.Decoder<unknown, unknown>));

  return (input) => {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      return INVALID;
    }

    const original = input as Record<string, unknown>;
    let output = original;
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index] as string;
      const value = output[key];
      const decoded = (decoders[index] as QuickDecoder)(value);
      if (decoded === INVALID) {
        return INVALID;
      }
      if (decoded !== value || (decoded === undefined && !hasOwn(output, key))) {
        if (output === original) {
          output = { ...original };
        }
        output[key] = decoded;
      }
    }
    return output;
  };
};

/**
 * Returns the first member's result that is not INVALID. A tagged union in io-ts tries only the
 * member whose tag matches, and every other member rejects the input at its tag literal, so the
 * first success is the same member's.
 */
const compileUnion = (members: ReadonlyArray<t.Decoder<unknown, unknown>>): QuickDecoder => {
  const decoders = members.map(decoderOf);

  return (input) => {
    for (const decoder of decoders) {
      const decoded = decoder(input);
      if (decoded !== INVALID) {
        return decoded;
      }
    }
    return INVALID;
  };
};
