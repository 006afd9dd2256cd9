import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it, vi } from 'vitest';
import { FRAME_BYTES_MAX } from '../../impl/limits.ts';
import { NodeIdCodec, ObjectIdCodec, RightsCodec } from '../../impl/wire/codecs.ts';
import { decodeFrame, encodeFrame } from '../../impl/wire/frame.ts';
import { RequestCodec, WIRE_VERSION, type Message } from '../../impl/wire/messages.ts';

const encoder = new TextEncoder();

const request = {
  type: 'request',
  version: WIRE_VERSION,
  id: 'c0:7',
  body: { op: 'invoke', cap: 'AAAA', action: { kind: 'write', value: 'v' } },
} as const;

/** Returns the error text of a frame that contains `value` as JSON. Throws when the frame decodes. */
const frameError = (value: unknown): string => {
  const decoded = decodeFrame(encoder.encode(JSON.stringify(value)));
  if (E.isRight(decoded)) {
    throw new Error(`expected ${JSON.stringify(value)} to be rejected, but it decoded`);
  }
  return decoded.left;
};

const response = (result: unknown) => ({ type: 'response', version: WIRE_VERSION, id: 'c0:1', result });

describe('frame error messages', () => {
  const cases: ReadonlyArray<readonly [string, unknown, string]> = [
    ['a number', 42, 'invalid value 42 at the top level'],
    ['null', null, 'invalid value null at the top level'],
    ['an unknown type', { type: 'hello' }, 'invalid value {"type":"hello"} at the top level'],
    ['a bad request id', { ...request, id: 'C0:1' }, 'invalid value "C0:1" at 0.id'],
    ['a missing request id', { type: 'request', version: WIRE_VERSION, body: request.body }, 'invalid value undefined at 0.id'],
    ['an empty revoker', { ...request, body: { op: 'revoke', revoker: '' } }, 'invalid value "" at 0.body.2.revoker'],
    ['an invalid result', response({ ok: 'maybe' }), 'invalid value {"ok":"maybe"} at 1.result'],
    [
      'a bad node in a refusal',
      response({ ok: false, refusal: { _tag: 'UnknownNode', node: 'BAD' } }),
      'invalid value "BAD" at 1.result.1.refusal.0.node',
    ],
    [
      'a fractional slot in a refusal',
      response({ ok: false, refusal: { _tag: 'Revoked', object: 'n0/1', slot: 1.5 } }),
      'invalid value 1.5 at 1.result.1.refusal.3.slot',
    ],
    [
      'rights that are not an array',
      { ...request, body: { op: 'derive', cap: 'AAAA', rights: 'read' } },
      'rights must be an array of distinct "grant", "read", "write"',
    ],
  ];

  it.each(cases)('names the field of %s', (_name, value, message) => {
    expect(frameError(value)).toBe(`frame is not a valid message: ${message}`);
  });

  it('shows a value of 80 JSON characters whole', () => {
    const id = 'x'.repeat(78);

    expect(frameError({ ...request, id })).toBe(`frame is not a valid message: invalid value "${id}" at 0.id`);
  });

  it('cuts a value of 81 JSON characters to 77 and an ellipsis', () => {
    const id = 'x'.repeat(79);

    expect(frameError({ ...request, id })).toBe(`frame is not a valid message: invalid value "${'x'.repeat(76)}... at 0.id`);
  });
});

describe('frame size limit', () => {
  /** Builds a create request whose frame is exactly `bytes` long. */
  const createFrameOf = (bytes: number): Uint8Array => {
    const message = (value: string): Message => ({
      type: 'request',
      version: WIRE_VERSION,
      id: 'c0:1',
      body: { op: 'create', node: 'n0' as never, value },
    });
    const overhead = encodeFrame(message('')).byteLength;
    return encodeFrame(message('v'.repeat(bytes - overhead)));
  };

  it('accepts a frame of exactly FRAME_BYTES_MAX bytes', () => {
    const frame = createFrameOf(FRAME_BYTES_MAX);

    expect(frame.byteLength).toBe(FRAME_BYTES_MAX);
    expect(E.isRight(decodeFrame(frame))).toBe(true);
  });

  it('rejects a frame one byte longer with its size', () => {
    const frame = createFrameOf(FRAME_BYTES_MAX + 1);

    expect(decodeFrame(frame)).toEqual(
      E.left(`frame of ${FRAME_BYTES_MAX + 1} bytes exceeds the maximum of ${FRAME_BYTES_MAX} bytes`),
    );
  });

  it('rejects invalid JSON with the frame size', () => {
    expect(decodeFrame(encoder.encode('{"type":'))).toEqual(E.left('frame is not valid JSON (8 bytes)'));
  });
});

describe('request ids', () => {
  const accepts = (id: string): boolean => E.isRight(decodeFrame(encodeFrame({ ...request, id } as Message)));

  it('accept client ids of 1 to 32 characters', () => {
    expect(accepts('c:0')).toBe(true);
    expect(accepts('ab:0')).toBe(true);
    expect(accepts(`${'a'.repeat(32)}:0`)).toBe(true);
    expect(accepts(`${'a'.repeat(33)}:0`)).toBe(false);
  });

  it('accept sequence numbers of up to 16 digits without leading zeros', () => {
    expect(accepts(`c0:${'9'.repeat(16)}`)).toBe(true);
    expect(accepts(`c0:${'9'.repeat(17)}`)).toBe(false);
    expect(accepts('c0:01')).toBe(false);
  });

  it('reject text after the sequence number', () => {
    expect(accepts('c0:7x')).toBe(false);
    expect(accepts('c0:7 ')).toBe(false);
  });
});

describe('text bounds of requests', () => {
  const revoke = (revoker: string) => ({ ...request, body: { op: 'revoke', revoker } });

  it('accepts a token of 512 characters and rejects one of 513', () => {
    expect(E.isRight(RequestCodec.decode(revoke('A'.repeat(512))))).toBe(true);
    expect(E.isLeft(RequestCodec.decode(revoke('A'.repeat(513))))).toBe(true);
    expect(frameError(revoke('A'.repeat(513)))).toContain('at 0.body.2.revoker');
  });

  it('accepts a value of 2^20 characters and rejects one more', () => {
    const write = (value: string) => ({ ...request, body: { op: 'invoke', cap: 'AAAA', action: { kind: 'write', value } } });

    expect(E.isRight(RequestCodec.decode(write('v'.repeat(1 << 20))))).toBe(true);
    expect(E.isLeft(RequestCodec.decode(write('v'.repeat((1 << 20) + 1))))).toBe(true);
  });
});

describe('value codecs', () => {
  it('NodeId guard accepts only node ids', () => {
    expect(NodeIdCodec.is('n0')).toBe(true);
    expect(NodeIdCodec.is('N0')).toBe(false);
    expect(NodeIdCodec.is(7)).toBe(false);
  });

  it('ObjectId guard accepts only object ids', () => {
    expect(ObjectIdCodec.is('n0/1')).toBe(true);
    expect(ObjectIdCodec.is('n0')).toBe(false);
    expect(ObjectIdCodec.is(1)).toBe(false);
  });

  it('Rights guard accepts only arrays of known rights', () => {
    expect(RightsCodec.is(['read'])).toBe(true);
    expect(RightsCodec.is(['grant', 'write'])).toBe(true);
    expect(RightsCodec.is(['read', 'execute'])).toBe(false);
    expect(RightsCodec.is('read')).toBe(false);
  });

  it('Rights decoding names what is allowed', () => {
    const messages = (input: unknown): ReadonlyArray<string | undefined> => {
      const decoded = RightsCodec.decode(input);
      return E.isLeft(decoded) ? decoded.left.map((error) => error.message) : [];
    };
    const allowed = 'rights must be an array of distinct "grant", "read", "write"';

    expect(messages('read')).toEqual([allowed]);
    expect(messages(['read', 'read', 'read', 'read'])).toEqual([allowed]);
    expect(messages(['read', 'execute'])).toEqual([allowed]);
    expect(messages(['read', 'read'])).toEqual(['rights contain a duplicate']);
  });
});

describe('wire modules loaded afresh', () => {
  // The codecs and the UTF-8 decoder are built when the module loads, so this test loads a fresh
  // copy to check what the module-level code produced.
  it('name every codec and reject invalid UTF-8', async () => {
    vi.resetModules();
    const frame = await import('../../impl/wire/frame.ts');
    const codecs = await import('../../impl/wire/codecs.ts');
    const messages = await import('../../impl/wire/messages.ts');

    expect(frame.decodeFrame(Uint8Array.of(0x7b, 0xff))).toEqual(E.left('frame is not valid UTF-8'));
    expect([codecs.NodeIdCodec.name, codecs.ObjectIdCodec.name, codecs.RightsCodec.name]).toEqual(['NodeId', 'ObjectId', 'Rights']);
    const revoked = codecs.RefusalCodec as unknown as { types: ReadonlyArray<{ props: Record<string, { name: string }> }> };
    expect(revoked.types[3]?.props['slot']?.name).toBe('Count');
    const requestProps = messages.RequestCodec.props;
    expect(requestProps.id.name).toBe('RequestId');
    const revoke = messages.RequestBodyCodec.types[2].props;
    expect(revoke.revoker.name).toBe('TokenText');
    const create = messages.RequestBodyCodec.types[0].props;
    expect(create.value.name).toBe('ValueText');
  });
});
