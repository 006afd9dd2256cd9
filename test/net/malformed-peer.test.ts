import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FRAME_BYTES_MAX } from '../../impl/limits.ts';
import { encodeLengthPrefixed } from '../../impl/net/frame-reader.ts';
import { HELLO_BYTES_MAX } from '../../impl/net/hello.ts';
import type { TcpTransport } from '../../impl/net/tcp-transport.ts';
import type { MemoryLogger } from '../../impl/ports.ts';
import {
  bytesOf,
  closedPromise,
  collectFrames,
  connectRaw,
  helloFrame,
  LOOPBACK,
  OpenResources,
  textOf,
  waitFor,
} from './support.ts';

const resources = new OpenResources();

afterEach(async () => {
  await resources.closeAll();
});

/** A marker that must never show up in a log entry, because it is payload. */
const MARKER = 'PAYLOAD-MARKER';

const lengthPrefix = (length: number): Uint8Array => {
  const prefix = new Uint8Array(4);
  new DataView(prefix.buffer).setUint32(0, length, false);
  return prefix;
};

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
};

/** Hello bytes built by hand: magic, version, sender id length, sender id, receiver id. */
const rawHello = (magic: string, version: number, from: string, to: string): Uint8Array =>
  concat(bytesOf(magic), Uint8Array.from([version, bytesOf(from).byteLength]), bytesOf(from), bytesOf(to));

interface BadPeerCase {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** Whether the raw peer closes its side after writing, so that the stream ends at the node. */
  readonly end: boolean;
  readonly reason: RegExp;
}

const BAD_PEERS: ReadonlyArray<BadPeerCase> = [
  {
    name: 'garbage text',
    bytes: bytesOf(`GET /${MARKER} HTTP/1.1\r\nHost: localhost\r\n\r\n`),
    end: false,
    reason: new RegExp(`frame length \\d+ exceeds the maximum of ${HELLO_BYTES_MAX} bytes`),
  },
  {
    name: 'oversized length prefix',
    bytes: concat(helloFrame('c7', 'n0'), lengthPrefix(FRAME_BYTES_MAX + 1), bytesOf(MARKER)),
    end: false,
    reason: new RegExp(`frame length ${FRAME_BYTES_MAX + 1} exceeds the maximum of ${FRAME_BYTES_MAX} bytes`),
  },
  {
    name: 'truncated frame',
    bytes: concat(helloFrame('c7', 'n0'), lengthPrefix(100), bytesOf(MARKER)),
    end: true,
    reason: /connection ended in the middle of a frame/,
  },
  {
    name: 'truncated length prefix',
    bytes: concat(helloFrame('c7', 'n0'), Uint8Array.from([0, 0])),
    end: true,
    reason: /connection ended in the middle of a frame/,
  },
  {
    name: 'hello without magic',
    bytes: encodeLengthPrefixed(bytesOf(MARKER)),
    end: false,
    reason: /invalid hello: hello does not start with the SCAP magic bytes/,
  },
  {
    name: 'hello of another version',
    bytes: encodeLengthPrefixed(rawHello('SCAP', 9, 'c7', 'n0')),
    end: false,
    reason: /invalid hello: hello has version 9/,
  },
  {
    name: 'hello with a space in the sender id',
    bytes: encodeLengthPrefixed(rawHello('SCAP', 1, 'c 7', 'n0')),
    end: false,
    reason: /invalid hello: hello sender id of 3 bytes is not a valid endpoint id/,
  },
  {
    name: 'hello sender length past the frame',
    bytes: encodeLengthPrefixed(concat(bytesOf('SCAP'), Uint8Array.from([1, 60]), bytesOf('c7'))),
    end: false,
    reason: /invalid hello: hello sender id length 60 runs past the end of the 8-byte frame/,
  },
  {
    name: 'hello for another endpoint',
    bytes: helloFrame('c7', 'n5'),
    end: false,
    reason: /hello from c7 is addressed to endpoint n5, not to n0/,
  },
  {
    name: 'hello naming the node itself',
    bytes: helloFrame('n0', 'n0'),
    end: false,
    reason: /hello names this endpoint's own id n0 as the sender/,
  },
];

/** Starts node `n0`, which echoes every frame, and a client `c0` that has exchanged one frame. */
const echoNodeWithClient = async (helloTimeoutMs?: number) => {
  const node = resources.transport(helloTimeoutMs === undefined ? { id: 'n0' } : { id: 'n0', helloTimeoutMs });
  const address = await node.transport.listen();
  node.transport.onFrame((from, frame) => node.transport.send(from, frame));

  const client = resources.transport({ id: 'c0', addresses: { n0: address } });
  const echoes = collectFrames(client.transport);
  client.transport.send('n0', bytesOf('before'));
  await waitFor(() => echoes.length === 1, 'the first echo at c0');
  return { node, client, echoes, port: address.port };
};

/** Checks that the well-behaved client still receives echoes. */
const expectClientServed = async (client: TcpTransport, echoes: ReadonlyArray<{ frame: Uint8Array }>): Promise<void> => {
  client.send('n0', bytesOf('after'));
  await waitFor(() => echoes.length === 2, 'the echo sent after the bad peer');
  expect(textOf(echoes[1]?.frame ?? new Uint8Array())).toBe('after');
};

const protocolWarnings = (logger: MemoryLogger) =>
  logger.atLevel('warn').filter((entry) => entry.message === 'closed a connection after a protocol error');

describe('TcpTransport with a misbehaving peer', () => {
  for (const badPeer of BAD_PEERS) {
    it(`disconnects on ${badPeer.name}`, async () => {
      const { node, client, echoes, port } = await echoNodeWithClient();
      const raw = await connectRaw(resources, port);
      const rawAddress = `${LOOPBACK}:${raw.localPort ?? 0}`;
      const closed = closedPromise(raw);

      raw.write(badPeer.bytes);
      if (badPeer.end) {
        raw.end();
      }
      await closed;
      await waitFor(() => node.transport.stats.malformed === 1, 'the node to count the bad peer');

      const warnings = protocolWarnings(node.logger);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.fields['endpoint']).toBe('n0');
      expect(warnings[0]?.fields['address']).toBe(rawAddress);
      expect(String(warnings[0]?.fields['reason'])).toMatch(badPeer.reason);
      expect(JSON.stringify(node.logger.entries)).not.toContain(MARKER);
      expect(node.transport.stats.framesIn).toBe(1);
      await expectClientServed(client.transport, echoes);
    });
  }

  it('disconnects a peer that sends no hello', async () => {
    const { node, client, echoes, port } = await echoNodeWithClient(100);
    const raw = await connectRaw(resources, port);

    await closedPromise(raw);

    const warnings = protocolWarnings(node.logger);
    expect(warnings.map((entry) => entry.fields['reason'])).toEqual(['no hello within 100 ms']);
    await expectClientServed(client.transport, echoes);
  });

  it('serves a raw peer that follows the protocol', async () => {
    const { node, port } = await echoNodeWithClient();
    const raw = await connectRaw(resources, port);
    const received: Buffer[] = [];
    raw.on('data', (chunk: Buffer) => received.push(chunk));

    raw.write(concat(helloFrame('c7', 'n0'), encodeLengthPrefixed(bytesOf('raw ping'))));
    const expected = concat(helloFrame('n0', 'c7'), encodeLengthPrefixed(bytesOf('raw ping')));
    await waitFor(() => Buffer.concat(received).byteLength >= expected.byteLength, 'the hello and echo at the raw peer');

    expect([...Buffer.concat(received)]).toEqual([...expected]);
    expect(node.transport.stats.malformed).toBe(0);
  });

  it('client rejects a listener with the wrong id', async () => {
    // The listener replies to every hello as n5, although the client's address book lists it as n9.
    const impostor = resources.server(
      createServer((socket) => {
        resources.socket(socket);
        socket.once('data', () => socket.write(helloFrame('n5', 'c1')));
      }),
    );
    await new Promise<void>((resolve) => impostor.listen(0, LOOPBACK, resolve));
    const address = impostor.address();
    const port = address !== null && typeof address !== 'string' ? address.port : 0;
    const client = resources.transport({ id: 'c1', addresses: { n9: { host: LOOPBACK, port } }, reconnectDelayMsMin: 10 });

    client.transport.send('n9', bytesOf(MARKER));
    await waitFor(() => client.transport.stats.reconnects >= 1, 'a second dial');

    const reasons = protocolWarnings(client.logger).map((entry) => String(entry.fields['reason']));
    expect(reasons[0]).toMatch(/dialed n9 but the listener is n5/);
    expect(client.logger.atLevel('warn').map((entry) => entry.message)).toContain(
      'connection to the peer failed, retrying with backoff',
    );
    expect(client.transport.queued('n9').frames).toBe(1);
    expect(client.transport.stats.framesOut).toBe(0);
  });

  it('connections past the maximum are closed and counted', async () => {
    const node = resources.transport({ id: 'n0', inboundConnectionsMax: 2 });
    const { port } = await node.transport.listen();
    node.transport.onFrame((from, frame) => node.transport.send(from, frame));
    const idle = [await connectRaw(resources, port), await connectRaw(resources, port)];
    await waitFor(() => node.transport.stats.accepted === 2, 'two accepted connections');

    const extra = await connectRaw(resources, port);
    await closedPromise(extra);
    await waitFor(() => node.transport.stats.rejected === 1, 'the rejected connection to be counted');

    expect(node.logger.atLevel('warn').map((entry) => entry.message)).toEqual(['rejected a connection: too many open connections']);
    // A dial that races the freed slot is rejected too, and the client dials again with backoff.
    idle[0]?.destroy();
    const client = resources.transport({ id: 'c0', addresses: { n0: { host: LOOPBACK, port } } });
    const echoes = collectFrames(client.transport);
    client.transport.send('n0', bytesOf('room again'));
    await waitFor(() => echoes.length === 1, 'an echo once a slot is free');
  });
});
