import { createServer, Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FrameReader } from '../../impl/net/frame-reader.ts';
import { HELLO_BYTES_MAX } from '../../impl/net/hello.ts';
import { FRAME_BYTES_MAX, PEER_QUEUE_BYTES_MAX } from '../../impl/limits.ts';
import {
  bytesOf,
  collectFrames,
  freePort,
  helloFrame,
  LOOPBACK,
  OpenResources,
  sleep,
  textOf,
  waitFor,
} from './support.ts';

const resources = new OpenResources();

afterEach(async () => {
  await resources.closeAll();
});

/** Starts node `n0` on a free loopback port and a client `c0` with `n0` in its address book. */
const nodeAndClient = async () => {
  const node = resources.transport({ id: 'n0' });
  const address = await node.transport.listen(LOOPBACK, 0);
  const client = resources.transport({ id: 'c0', addresses: { n0: address } });
  return { node, client, address };
};

describe('TcpTransport exchange', () => {
  it('listen on port 0 reports the bound port', async () => {
    const { address, node } = await nodeAndClient();

    expect(address.host).toBe(LOOPBACK);
    expect(address.port).toBeGreaterThan(0);
    expect(node.transport.listenAddress()).toEqual(address);
  });

  it('client and node exchange frames both ways', async () => {
    const { node, client } = await nodeAndClient();
    const atNode = collectFrames(node.transport);
    const atClient = collectFrames(client.transport);

    client.transport.send('n0', bytesOf('ping'));
    await waitFor(() => atNode.length === 1, 'the request at n0');
    node.transport.send('c0', bytesOf('pong'));
    await waitFor(() => atClient.length === 1, 'the answer at c0');

    expect(atNode[0]?.from).toBe('c0');
    expect(textOf(atNode[0]?.frame ?? new Uint8Array())).toBe('ping');
    expect(atClient[0]?.from).toBe('n0');
    expect(textOf(atClient[0]?.frame ?? new Uint8Array())).toBe('pong');
    expect(node.transport.stats.accepted).toBe(1);
  });

  it('two listening nodes exchange frames both ways', async () => {
    const firstPort = await freePort();
    const secondPort = await freePort();
    const first = resources.transport({ id: 'n0', addresses: { n1: { host: LOOPBACK, port: secondPort } } });
    const second = resources.transport({ id: 'n1', addresses: { n0: { host: LOOPBACK, port: firstPort } } });
    await first.transport.listen(LOOPBACK, firstPort);
    await second.transport.listen(LOOPBACK, secondPort);
    const atFirst = collectFrames(first.transport);
    const atSecond = collectFrames(second.transport);

    first.transport.send('n1', bytesOf('from n0'));
    second.transport.send('n0', bytesOf('from n1'));
    await waitFor(() => atFirst.length === 1 && atSecond.length === 1, 'one frame at each node');

    expect(atFirst.map(({ from, frame }) => [from, textOf(frame)])).toEqual([['n1', 'from n1']]);
    expect(atSecond.map(({ from, frame }) => [from, textOf(frame)])).toEqual([['n0', 'from n0']]);
  });

  it('many frames in flight arrive in order', async () => {
    const { node, client } = await nodeAndClient();
    node.transport.onFrame((from, frame) => node.transport.send(from, frame));
    const echoes = collectFrames(client.transport);
    client.transport.send('n0', bytesOf('connect'));
    await waitFor(() => echoes.length === 1, 'the first echo');
    echoes.length = 0;
    const count = 5_000;

    for (let index = 0; index < count; index += 1) {
      client.transport.send('n0', bytesOf(`frame ${index}`));
    }
    await waitFor(() => echoes.length === count, `${count} echoes`);

    const texts = echoes.map(({ frame }) => textOf(frame));
    expect(texts[0]).toBe('frame 0');
    expect(texts[count - 1]).toBe(`frame ${count - 1}`);
    expect(texts).toEqual(Array.from({ length: count }, (_, index) => `frame ${index}`));
    expect(client.transport.stats.dropped).toBe(0);
    expect(node.transport.stats.framesIn).toBe(count + 1);
  });

  it('frames of the maximum size pass, larger ones are dropped', async () => {
    const { node, client } = await nodeAndClient();
    const atNode = collectFrames(node.transport);

    client.transport.send('n0', new Uint8Array(FRAME_BYTES_MAX + 1));
    client.transport.send('n0', new Uint8Array(FRAME_BYTES_MAX).fill(7));
    await waitFor(() => atNode.length === 1, 'the maximum-size frame');

    expect(atNode[0]?.frame.byteLength).toBe(FRAME_BYTES_MAX);
    expect(atNode[0]?.frame.every((byte) => byte === 7)).toBe(true);
    expect(client.transport.stats.dropped).toBe(1);
    expect(client.logger.atLevel('warn').map((entry) => entry.message)).toContain(
      'dropped an outgoing frame larger than the maximum frame size',
    );
  });

  it('send copies the frame', async () => {
    const { node, client } = await nodeAndClient();
    const atNode = collectFrames(node.transport);
    const buffer = bytesOf('original');

    client.transport.send('n0', buffer);
    buffer.set(bytesOf('changed!'));
    await waitFor(() => atNode.length === 1, 'the frame');

    expect(textOf(atNode[0]?.frame ?? new Uint8Array())).toBe('original');
  });

  it('a frame to itself arrives', async () => {
    const { client } = await nodeAndClient();
    const atClient = collectFrames(client.transport);

    client.transport.send('c0', bytesOf('note to self'));
    await waitFor(() => atClient.length === 1, 'the frame sent to itself');

    expect(atClient.map(({ from, frame }) => [from, textOf(frame)])).toEqual([['c0', 'note to self']]);
  });

  it('a frame to an unknown peer is dropped', async () => {
    const { client } = await nodeAndClient();

    client.transport.send('c9', bytesOf('nobody'));

    expect(client.transport.stats.dropped).toBe(1);
    expect(client.transport.queued('c9').frames).toBe(0);
  });

  it('close drops later sends and rejects listen', async () => {
    const { client } = await nodeAndClient();
    await client.transport.close();

    client.transport.send('n0', bytesOf('late'));

    expect(client.transport.stats.dropped).toBe(1);
    await expect(client.transport.listen()).rejects.toThrow(/is closed/);
  });

  it('listen on a taken port names the port', async () => {
    const { address } = await nodeAndClient();
    const other = resources.transport({ id: 'n1' });

    await expect(other.transport.listen(LOOPBACK, address.port)).rejects.toThrow(
      new RegExp(`cannot listen on 127\\.0\\.0\\.1:${address.port}.*choose another port`),
    );
  });
});

/**
 * Accepts one connection as endpoint `n9`, completes the hello exchange by hand, then pauses
 * reading, as a slow peer does. `resume()` reads every later frame.
 */
const slowPeer = async () => {
  const frames: Uint8Array[] = [];
  let socket: Socket | undefined;
  let reader = new FrameReader({ firstFrameBytesMax: HELLO_BYTES_MAX, frameBytesMax: FRAME_BYTES_MAX });
  let helloSeen = false;

  const server = resources.server(
    createServer((accepted) => {
      socket = resources.socket(accepted);
      accepted.on('data', (chunk: Buffer) => {
        const { frames: complete, error } = reader.push(chunk);
        if (error !== undefined) {
          throw new Error(`slow peer received an invalid stream: ${error}`);
        }
        for (const frame of complete) {
          if (!helloSeen) {
            helloSeen = true;
            accepted.write(helloFrame('n9', 'c0'));
            accepted.pause();
            reader = new FrameReader({ firstFrameBytesMax: FRAME_BYTES_MAX, frameBytesMax: FRAME_BYTES_MAX });
          } else {
            frames.push(frame);
          }
        }
      });
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('slow peer did not bind a TCP port');
  }

  return {
    port: address.port,
    frames,
    isPaused: () => helloSeen && socket?.isPaused() === true,
    resume: () => socket?.resume(),
  };
};

/** Records every socket write that starts while the socket still waits for 'drain', which a
 * transport that respects backpressure never does. */
const watchWritesDuringDrain = () => {
  const original = Socket.prototype.write as (...args: unknown[]) => boolean;
  const violations: number[] = [];
  let writes = 0;
  vi.spyOn(Socket.prototype, 'write').mockImplementation(function (this: Socket, ...args: unknown[]) {
    writes += 1;
    if (this.writableNeedDrain) {
      violations.push(writes);
    }
    return original.apply(this, args);
  });
  return { violations, writes: () => writes };
};

describe('TcpTransport backpressure', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('1 MiB burst waits for drain', async () => {
    const peer = await slowPeer();
    const client = resources.transport({ id: 'c0', addresses: { n9: { host: LOOPBACK, port: peer.port } } });
    const frameBytes = 32 * 1024;
    const frameCount = (1024 * 1024) / frameBytes;

    client.transport.send('n9', new Uint8Array(frameBytes).fill(0));
    await waitFor(peer.isPaused, 'the slow peer to pause after the hello');
    const watch = watchWritesDuringDrain();
    for (let index = 1; index < frameCount; index += 1) {
      client.transport.send('n9', new Uint8Array(frameBytes).fill(index));
    }
    await sleep(100);
    peer.resume();
    await waitFor(() => peer.frames.length === frameCount, `${frameCount} frames at the slow peer`);

    expect(client.transport.stats.drainWaits).toBeGreaterThan(0);
    expect(watch.writes()).toBeGreaterThanOrEqual(frameCount - 1);
    expect(watch.violations).toEqual([]);
    expect(peer.frames.map((frame) => frame.byteLength)).toEqual(Array(frameCount).fill(frameBytes));
    expect(peer.frames.map((frame) => frame[0])).toEqual(Array.from({ length: frameCount }, (_, index) => index));
    expect(peer.frames.every((frame) => frame.every((byte) => byte === frame[0]))).toBe(true);
    expect(client.transport.queued('n9').frames).toBe(0);
    expect(client.transport.stats.framesOut).toBe(frameCount);
    expect(client.transport.stats.dropped).toBe(0);
  });

  it('queue past its bound drops the oldest frames', async () => {
    const peer = await slowPeer();
    const client = resources.transport({ id: 'c0', addresses: { n9: { host: LOOPBACK, port: peer.port } } });
    // 16 MiB is far more than the socket buffers of a paused loopback connection take (about
    // 4 MiB on Linux with default settings) plus the 2 MiB queue bound.
    const frameBytes = 32 * 1024;
    const frameCount = (16 * 1024 * 1024) / frameBytes;

    client.transport.send('n9', frameOf(frameBytes, 0));
    await waitFor(peer.isPaused, 'the slow peer to pause after the hello');
    // Batches of 1 MiB with pauses between them let the socket buffers fill before the queue does.
    const batchFrames = (1024 * 1024) / frameBytes;
    for (let index = 1; index < frameCount; index += 1) {
      client.transport.send('n9', frameOf(frameBytes, index));
      if (index % batchFrames === 0) {
        await sleep(20);
      }
    }
    await sleep(100);

    const queued = client.transport.queued('n9');
    expect(queued.frames).toBeGreaterThan(0);
    expect(queued.bytes).toBeLessThanOrEqual(PEER_QUEUE_BYTES_MAX);
    expect(client.transport.stats.dropped).toBeGreaterThan(0);
    expect(client.logger.atLevel('warn').map((entry) => entry.message)).toEqual([
      'send queue full: dropping the oldest frames until it empties',
    ]);

    peer.resume();
    const { dropped } = client.transport.stats;
    await waitFor(() => peer.frames.length === frameCount - dropped, 'every frame that was not dropped');

    const indexes = peer.frames.map(indexOfFrame);
    expect(indexes.every((index, position) => position === 0 || index > (indexes[position - 1] as number))).toBe(true);
    expect(indexes.at(-1)).toBe(frameCount - 1);
  });
});

/** Returns a frame of `bytes` bytes whose first four bytes hold `index`. */
const frameOf = (bytes: number, index: number): Uint8Array => {
  const frame = new Uint8Array(bytes);
  new DataView(frame.buffer).setUint32(0, index, false);
  return frame;
};

const indexOfFrame = (frame: Uint8Array): number => new DataView(frame.buffer, frame.byteOffset).getUint32(0, false);
