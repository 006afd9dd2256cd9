/** io-ts codecs for the model's values as they travel in messages. */
import * as t from 'io-ts';
import {
  ALL_RIGHTS,
  isNodeId,
  isObjectId,
  REFUSAL_TAGS,
  rightsOf,
  type NodeId,
  type ObjectId,
  type Refusal,
  type Right,
  type Rights,
} from '../../model/index.ts';

/*
 * Every codec here encodes a value as itself, and declares it by passing io-ts's own `t.identity`
 * rather than an equivalent arrow function. io-ts checks for that function: an interface or union
 * whose members all encode with it encodes with it too, so encoding a whole message returns the
 * message instead of copying it field by field. Frames are then the JSON of the message itself.
 */

export const NodeIdCodec = new t.Type<NodeId, string, unknown>(
  'NodeId',
  (input): input is NodeId => typeof input === 'string' && isNodeId(input),
  (input, context) => (typeof input === 'string' && isNodeId(input) ? t.success(input) : t.failure(input, context)),
  t.identity,
);

export const ObjectIdCodec = new t.Type<ObjectId, string, unknown>(
  'ObjectId',
  (input): input is ObjectId => typeof input === 'string' && isObjectId(input),
  (input, context) => (typeof input === 'string' && isObjectId(input) ? t.success(input) : t.failure(input, context)),
  t.identity,
);

const RightCodec = t.keyof({ grant: null, read: null, write: null });

/** A set of rights on the wire: an array without duplicates, decoded to the model's sorted form. */
export const RightsCodec = new t.Type<Rights, ReadonlyArray<Right>, unknown>(
  'Rights',
  (input): input is Rights => Array.isArray(input) && input.every((item) => RightCodec.is(item)),
  (input, context) => {
    if (!Array.isArray(input) || input.length > ALL_RIGHTS.length || !input.every((item) => RightCodec.is(item))) {
      return t.failure(input, context, 'rights must be an array of distinct "grant", "read", "write"');
    }
    const rights = rightsOf(...(input as Right[]));
    return rights.length === input.length ? t.success(rights) : t.failure(input, context, 'rights contain a duplicate');
  },
  t.identity,
);

const Count = t.refinement(t.number, (value) => Number.isSafeInteger(value) && value >= 0, 'Count');

const refusalCase = <P extends t.Props>(tag: Refusal['_tag'], props: P) =>
  t.type({ _tag: t.literal(tag), ...props });

/** Every refusal of the model, field by field. */
export const RefusalCodec: t.Type<Refusal, unknown, unknown> = t.union([
  refusalCase('UnknownNode', { node: NodeIdCodec }),
  refusalCase('OwnerUnavailable', { node: NodeIdCodec }),
  refusalCase('Forged', { object: ObjectIdCodec }),
  refusalCase('Revoked', { object: ObjectIdCodec, slot: Count }),
  refusalCase('MissingRight', { right: RightCodec, held: RightsCodec }),
  refusalCase('RightsExceeded', { requested: RightsCodec, held: RightsCodec }),
  refusalCase('DepthExceeded', { depth: Count, max: Count }),
  refusalCase('TooManyCaveats', { count: Count, max: Count }),
  refusalCase('SlotsExhausted', { object: ObjectIdCodec, max: Count }),
  refusalCase('ValueTooLarge', { length: Count, max: Count }),
  refusalCase('AlreadyCrashed', { node: NodeIdCodec }),
  refusalCase('NotCrashed', { node: NodeIdCodec }),
]) as unknown as t.Type<Refusal, unknown, unknown>;

/** Guards the refusal list and the codec against drifting apart. */
export const REFUSAL_CODEC_TAGS: ReadonlyArray<Refusal['_tag']> = REFUSAL_TAGS;
