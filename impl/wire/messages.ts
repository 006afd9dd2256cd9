/**
 * The request and response messages between a client and an owner. A client sends one request
 * per operation to the object's owner and nowhere else; the owner responds to the sender. Requests
 * carry an id the owner uses to apply a retried or duplicated request once.
 */
import * as t from 'io-ts';
import { NodeIdCodec, ObjectIdCodec, RefusalCodec, RightsCodec } from './codecs.ts';

/** Version of the message format; a peer rejects any other. */
export const WIRE_VERSION = 1;

/** `<client id>:<sequence number>`; the client id is unique in the cluster. */
const RequestId = t.refinement(t.string, (id) => /^[a-z0-9][a-z0-9-]{0,31}:(0|[1-9][0-9]{0,15})$/.test(id), 'RequestId');

/** A token string; the owner decodes and verifies it, so here it is only bounded text. */
const TokenText = t.refinement(t.string, (text) => text.length > 0 && text.length <= 512, 'TokenText');

/** A value as sent; the owner checks its length against the value limit, as the model does. */
const ValueText = t.refinement(t.string, (text) => text.length <= 1 << 20, 'ValueText');

const ActionCodec = t.union([
  t.type({ kind: t.literal('read') }),
  t.type({ kind: t.literal('write'), value: ValueText }),
]);

export const RequestBodyCodec = t.union([
  t.type({ op: t.literal('create'), node: NodeIdCodec, value: ValueText }),
  t.type({ op: t.literal('derive'), cap: TokenText, rights: RightsCodec }),
  t.type({ op: t.literal('revoke'), revoker: TokenText }),
  t.type({ op: t.literal('invoke'), cap: TokenText, action: ActionCodec }),
]);

export type RequestBody = t.TypeOf<typeof RequestBodyCodec>;

export const RequestCodec = t.type({
  type: t.literal('request'),
  version: t.literal(WIRE_VERSION),
  id: RequestId,
  body: RequestBodyCodec,
});

export type Request = t.TypeOf<typeof RequestCodec>;

export const OutputCodec = t.union([
  t.type({ op: t.literal('create'), object: ObjectIdCodec, cap: TokenText, revoker: TokenText }),
  t.type({ op: t.literal('derive'), cap: TokenText, revoker: TokenText }),
  t.type({ op: t.literal('revoke') }),
  t.type({ op: t.literal('invoke'), result: t.union([t.type({ kind: t.literal('read'), value: ValueText }), t.type({ kind: t.literal('write') })]) }),
]);

export type WireOutput = t.TypeOf<typeof OutputCodec>;

/** A response: the output, a refusal of the model, or `invalid` for a request the owner cannot
 * act on at all (a malformed token, a create sent to the wrong node), with the reason. */
export const ResultCodec = t.union([
  t.type({ ok: t.literal(true), output: OutputCodec }),
  t.type({ ok: t.literal(false), refusal: RefusalCodec }),
  t.type({ ok: t.literal('invalid'), message: t.string }),
]);

export type WireResult = t.TypeOf<typeof ResultCodec>;

export const ResponseCodec = t.type({
  type: t.literal('response'),
  version: t.literal(WIRE_VERSION),
  id: RequestId,
  result: ResultCodec,
});

export type Response = t.TypeOf<typeof ResponseCodec>;

export const MessageCodec = t.union([RequestCodec, ResponseCodec]);

export type Message = t.TypeOf<typeof MessageCodec>;
