import { afterEach, describe, expect, it } from 'vitest';
import { reconnectDelayMs } from '../../impl/net/peer.ts';
import { bytesOf, collectFrames, freePort, LOOPBACK, OpenResources, textOf, waitFor } from './support.ts';

const resources = new OpenResources();

afterEach(async () => {
  await resources.closeAll();
});

describe('TcpTransport reconnect', () => {
  it('queued frames arrive after the listener restarts', async () => {
    const first = resources.transport({ id: 'n0' });
    const address = await first.transport.listen();
    const atFirst = collectFrames(first.transport);
    const client = resources.transport({ id: 'c0', addresses: { n0: address }, reconnectDelayMsMin: 10, reconnectDelayMsMax: 40 });
    client.transport.send('n0', bytesOf('before'));
    await waitFor(() => atFirst.length === 1, 'the first frame');

    await first.transport.close();
    await waitFor(
      () => client.logger.entries.some((entry) => entry.message === 'connection closed'),
      'the client to see the connection close',
    );
    for (const text of ['one', 'two', 'three']) {
      client.transport.send('n0', bytesOf(text));
    }
    await waitFor(() => client.transport.stats.reconnects >= 2, 'two dials with backoff');
    expect(client.transport.queued('n0').frames).toBe(3);

    const second = resources.transport({ id: 'n0' });
    const atSecond = collectFrames(second.transport);
    await second.transport.listen(LOOPBACK, address.port);
    await waitFor(() => atSecond.length === 3, 'the queued frames at the restarted listener');

    expect(atSecond.map(({ from, frame }) => [from, textOf(frame)])).toEqual([
      ['c0', 'one'],
      ['c0', 'two'],
      ['c0', 'three'],
    ]);
    expect(client.transport.stats.dropped).toBe(0);
    expect(client.logger.atLevel('warn').map((entry) => entry.message)).toEqual([
      'connection to the peer failed, retrying with backoff',
    ]);
    expect(client.logger.atLevel('info').map((entry) => entry.message)).toContain('reconnected');
  });

  it('frames past the queue bound are dropped and counted', async () => {
    const port = await freePort();
    const client = resources.transport({
      id: 'c0',
      addresses: { n0: { host: LOOPBACK, port } },
      queueFramesMax: 4,
      reconnectDelayMsMin: 10,
      reconnectDelayMsMax: 40,
    });

    for (let index = 0; index < 10; index += 1) {
      client.transport.send('n0', bytesOf(`frame ${index}`));
    }
    await waitFor(() => client.transport.stats.reconnects >= 1, 'a dial with backoff');
    expect(client.transport.stats.dropped).toBe(6);
    expect(client.transport.queued('n0').frames).toBe(4);

    const node = resources.transport({ id: 'n0' });
    const atNode = collectFrames(node.transport);
    await node.transport.listen(LOOPBACK, port);
    await waitFor(() => atNode.length === 4, 'the four queued frames');

    expect(atNode.map(({ frame }) => textOf(frame))).toEqual(['frame 6', 'frame 7', 'frame 8', 'frame 9']);
    expect(client.transport.stats.framesOut).toBe(4);
  });

  it('a node drops answers for a client that disconnected', async () => {
    const node = resources.transport({ id: 'n0' });
    const address = await node.transport.listen();
    const atNode = collectFrames(node.transport);
    const client = resources.transport({ id: 'c0', addresses: { n0: address } });
    client.transport.send('n0', bytesOf('request'));
    await waitFor(() => atNode.length === 1, 'the request');

    await client.transport.close();
    await waitFor(() => node.logger.entries.some((entry) => entry.message === 'connection closed'), 'the node to see the client leave');
    node.transport.send('c0', bytesOf('late answer'));

    expect(node.transport.stats.dropped).toBe(1);
    expect(node.transport.stats.reconnects).toBe(0);
  });
});

describe('reconnectDelayMs', () => {
  const limits = { delayMsMin: 50, delayMsMax: 1_000 };

  it('doubles per failure up to the maximum', () => {
    const delays = [0, 1, 2, 3, 4, 5, 6, 10, 100].map((failures) => reconnectDelayMs(failures, limits, 1));

    expect(delays).toEqual([50, 50, 100, 200, 400, 800, 1_000, 1_000, 1_000]);
  });

  it('jitter keeps the delay in its upper half', () => {
    expect(reconnectDelayMs(3, limits, 0)).toBe(100);
    expect(reconnectDelayMs(3, limits, 0.5)).toBe(150);
    expect(reconnectDelayMs(3, limits, 1)).toBe(200);
  });

  it('disconnect closes the connections to one peer and the next send dials again', async () => {
    const server = resources.transport({ id: 'n0' });
    const address = await server.transport.listen();
    const received = collectFrames(server.transport);
    const client = resources.transport({ id: 'c0', addresses: { n0: address }, reconnectDelayMsMin: 10, reconnectDelayMsMax: 40 });
    client.transport.send('n0', bytesOf('before'));
    await waitFor(() => received.length === 1, 'the first frame');

    expect(client.transport.disconnect('n0')).toBe(1);
    expect(client.transport.disconnect('nobody')).toBe(0);
    await waitFor(
      () => client.logger.entries.some((entry) => entry.message === 'connection closed'),
      'the client to see the connection close',
    );
    client.transport.send('n0', bytesOf('after'));
    await waitFor(() => received.length === 2, 'the frame sent after the disconnect');

    expect(received.map(({ frame }) => textOf(frame))).toEqual(['before', 'after']);
    expect(server.transport.stats.accepted).toBe(2);
  });
});
