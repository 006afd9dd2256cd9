import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FRAME_BYTES_MAX } from '../../impl/limits.ts';
import { RefusalCodec, RightsCodec } from '../../impl/wire/codecs.ts';
import { decodeFrame, encodeFrame, messageJson } from '../../impl/wire/frame.ts';
import { WIRE_VERSION, type Message } from '../../impl/wire/messages.ts';
import { REFUSAL_TAGS, type Refusal } from '../../model/index.ts';
import { defaultSeed } from '../../properties/check.ts';

const encoder = new TextEncoder();

const request: Message = {
  type: 'request',
  version: WIRE_VERSION,
  id: 'c0:7',
  body: { op: 'invoke', cap: 'AAAA', action: { kind: 'write', value: 'v' } },
};

const sampleRefusals: Refusal[] = [
  { _tag: 'UnknownNode', node: 'n9' as never },
  { _tag: 'OwnerUnavailable', node: 'n1' as never },
  { _tag: 'Forged', object: 'n0/1' as never },
  { _tag: 'Revoked', object: 'n0/1' as never, slot: 3 },
  { _tag: 'MissingRight', right: 'write', held: ['read'] },
  { _tag: 'RightsExceeded', requested: ['grant', 'read'], held: ['read'] },
  { _tag: 'DepthExceeded', depth: 9, max: 8 },
  { _tag: 'TooManyCaveats', count: 9, max: 8 },
  { _tag: 'SlotsExhausted', object: 'n0/1' as never, max: 4 },
  { _tag: 'ValueTooLarge', length: 2000, max: 1024 },
  { _tag: 'AlreadyCrashed', node: 'n1' as never },
  { _tag: 'NotCrashed', node: 'n1' as never },
];

/** Any text, including quotes, backslashes, control characters and characters outside the BMP. */
const textArbitrary = fc.string({ unit: 'binary', maxLength: 40 });
const tokenArbitrary = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 });
const nodeArbitrary = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,5}$/);
const objectArbitrary = fc.tuple(nodeArbitrary, fc.nat()).map(([node, counter]) => `${node}/${counter}`);
const rightsArbitrary = fc.subarray(['grant', 'read', 'write'] as const);

/** Every message variant, each object built with its fields in the order of the codecs. */
const messageArbitrary: fc.Arbitrary<Message> = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,5}:(0|[1-9][0-9]{0,6})$/),
    fc.oneof(
      fc.record({ op: fc.constant('create' as const), node: nodeArbitrary, value: textArbitrary }),
      fc.record({ op: fc.constant('derive' as const), cap: tokenArbitrary, rights: rightsArbitrary }),
      fc.record({ op: fc.constant('revoke' as const), revoker: tokenArbitrary }),
      fc.record({
        op: fc.constant('invoke' as const),
        cap: tokenArbitrary,
        action: fc.oneof(fc.constant({ kind: 'read' as const }), fc.record({ kind: fc.constant('write' as const), value: textArbitrary })),
      }),
    ),
    fc.oneof(
      fc.record({
        ok: fc.constant(true as const),
        output: fc.oneof(
          fc.record({ op: fc.constant('create' as const), object: objectArbitrary, cap: tokenArbitrary, revoker: tokenArbitrary }),
          fc.record({ op: fc.constant('derive' as const), cap: tokenArbitrary, revoker: tokenArbitrary }),
          fc.constant({ op: 'revoke' as const }),
          fc.record({
            op: fc.constant('invoke' as const),
            result: fc.oneof(fc.record({ kind: fc.constant('read' as const), value: textArbitrary }), fc.constant({ kind: 'write' as const })),
          }),
        ),
      }),
      fc.record({ ok: fc.constant(false as const), refusal: fc.constantFrom(...sampleRefusals) }),
      fc.record({ ok: fc.constant('invalid' as const), message: textArbitrary }),
    ),
    fc.boolean(),
  )
  .map(([id, body, result, isRequest]) =>
    (isRequest ? { type: 'request', version: WIRE_VERSION, id, body } : { type: 'response', version: WIRE_VERSION, id, result }) as Message,
  );

describe('wire frames', () => {
  it('matches JSON.stringify on every variant', () => {
    fc.assert(
      fc.property(messageArbitrary, (message) => {
        expect(messageJson(message)).toBe(JSON.stringify(message));
        expect(decodeFrame(encodeFrame(message))).toEqual(E.right(message));
      }),
      { seed: defaultSeed('frame text'), numRuns: 2000 },
    );
  });

  it('writes codec fields only, in order', () => {
    const reordered = { id: 'c0:7', extra: 'dropped', body: { action: { kind: 'read' }, cap: 'AAAA', op: 'invoke' }, version: WIRE_VERSION, type: 'request' };
    expect(messageJson(reordered as unknown as Message)).toBe('{"type":"request","version":1,"id":"c0:7","body":{"op":"invoke","cap":"AAAA","action":{"kind":"read"}}}');
  });

  it('round trips a request', () => {
    expect(decodeFrame(encodeFrame(request))).toEqual(E.right(request));
  });

  it('round trips every refusal', () => {
    expect(sampleRefusals.map((refusal) => refusal._tag)).toEqual(REFUSAL_TAGS);
    for (const refusal of sampleRefusals) {
      const response: Message = { type: 'response', version: WIRE_VERSION, id: 'c1:0', result: { ok: false, refusal } };
      expect(decodeFrame(encodeFrame(response))).toEqual(E.right(response));
    }
  });

  const rejected: ReadonlyArray<readonly [string, Uint8Array, string]> = [
    ['invalid UTF-8', Uint8Array.of(0xff, 0xfe), 'frame is not valid UTF-8'],
    ['not JSON', encoder.encode('{"type":'), 'frame is not valid JSON'],
    ['unknown type', encoder.encode('{"type":"hello"}'), 'frame is not a valid message'],
    ['wrong version', encoder.encode(JSON.stringify({ ...request, version: 2 })), 'frame is not a valid message'],
    ['bad request id', encoder.encode(JSON.stringify({ ...request, id: 'C0:1' })), 'frame is not a valid message'],
    [
      'duplicate rights',
      encoder.encode(JSON.stringify({ ...request, body: { op: 'derive', cap: 'AAAA', rights: ['read', 'read'] } })),
      'rights contain a duplicate',
    ],
    ['empty token', encoder.encode(JSON.stringify({ ...request, body: { op: 'revoke', revoker: '' } })), 'frame is not a valid message'],
    ['oversized', new Uint8Array(FRAME_BYTES_MAX + 1), `exceeds the maximum of ${FRAME_BYTES_MAX} bytes`],
  ];
  for (const [name, frame, message] of rejected) {
    it(`rejects ${name}`, () => {
      const decoded = decodeFrame(frame);
      expect(E.isLeft(decoded)).toBe(true);
      expect(E.isLeft(decoded) ? decoded.left : '').toContain(message);
    });
  }

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        decodeFrame(bytes);
      }),
      { seed: defaultSeed('frame bytes'), numRuns: 2000 },
    );
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        const decoded = decodeFrame(encoder.encode(text));
        expect(E.isLeft(decoded)).toBe(true);
      }),
      { seed: defaultSeed('frame json'), numRuns: 2000 },
    );
  });

  it('rights decode to canonical order', () => {
    expect(RightsCodec.decode(['write', 'grant'])).toEqual(E.right(['grant', 'write']));
    expect(E.isLeft(RightsCodec.decode(['read', 'execute']))).toBe(true);
    expect(E.isLeft(RightsCodec.decode('read'))).toBe(true);
  });

  it('refusal codec rejects unknown tags', () => {
    expect(E.isLeft(RefusalCodec.decode({ _tag: 'Teapot' }))).toBe(true);
    expect(E.isLeft(RefusalCodec.decode({ _tag: 'Revoked', object: 'n0/1', slot: -1 }))).toBe(true);
  });
});
