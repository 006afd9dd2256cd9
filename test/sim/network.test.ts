import { describe, expect, it } from 'vitest';
import { SimClock } from '../../impl/sim/clock.ts';
import { SimNetwork, type NetworkFaults } from '../../impl/sim/network.ts';
import { SeededRandom } from '../../impl/sim/random.ts';
import { digestBytes, Trace } from '../../impl/sim/trace.ts';
import type { Transport } from '../../impl/ports.ts';

const CLEAN: Partial<NetworkFaults> = { delayMsMin: 1, delayMsMax: 1, dropRate: 0, duplicateRate: 0 };

interface Received {
  readonly at: number;
  readonly from: string;
  readonly bytes: number[];
}

const setUp = (faults: Partial<NetworkFaults> = CLEAN, seed = 1) => {
  const clock = new SimClock();
  const trace = new Trace(clock);
  const network = new SimNetwork(clock, new SeededRandom(seed).fork('network'), trace, faults);
  const inbox = new Map<string, Received[]>();

  const attach = (id: string, transport: Transport): Transport => {
    const received: Received[] = [];
    inbox.set(id, received);
    transport.onFrame((from, frame) => received.push({ at: clock.now(), from, bytes: [...frame] }));
    return transport;
  };
  const add = (id: string): Transport => attach(id, network.addEndpoint(id));
  const received = (id: string): Received[] => inbox.get(id) ?? [];
  const drops = (reason: string): string[] => trace.lines().filter((line) => line.includes(`reason=${reason}`));

  return { clock, trace, network, add, attach, received, drops };
};

describe('SimNetwork', () => {
  it('delivers a frame with its sender', async () => {
    const { clock, add, received } = setUp();
    const a = add('a');
    add('b');

    a.send('b', Uint8Array.of(1, 2, 3));
    await clock.runUntilIdle();

    expect(received('b')).toEqual([{ at: 1, from: 'a', bytes: [1, 2, 3] }]);
  });

  it('copies frames at send', async () => {
    const { clock, add, received } = setUp();
    const a = add('a');
    add('b');
    const frame = Uint8Array.of(9);

    a.send('b', frame);
    frame[0] = 0;
    await clock.runUntilIdle();

    expect(received('b').map((entry) => entry.bytes)).toEqual([[9]]);
  });

  it('copies Buffer frames at send', async () => {
    const { clock, add, received } = setUp();
    const a = add('a');
    add('b');
    const frame = Buffer.from([9]);

    a.send('b', frame);
    frame[0] = 0;
    await clock.runUntilIdle();

    expect(received('b').map((entry) => entry.bytes)).toEqual([[9]]);
  });

  it('delays frames within the bounds', async () => {
    const { clock, add, received } = setUp({ ...CLEAN, delayMsMin: 5, delayMsMax: 8 });
    const a = add('a');
    add('b');

    for (let index = 0; index < 100; index++) {
      a.send('b', Uint8Array.of(index));
    }
    await clock.runUntilIdle();

    const times = received('b').map((entry) => entry.at);
    expect(times).toHaveLength(100);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...times)).toBeLessThanOrEqual(8);
  });

  it('reorders frames with random delays', async () => {
    const { clock, add, received } = setUp({ ...CLEAN, delayMsMin: 1, delayMsMax: 100 });
    const a = add('a');
    add('b');

    for (let index = 0; index < 50; index++) {
      a.send('b', Uint8Array.of(index));
    }
    await clock.runUntilIdle();

    const order = received('b').map((entry) => entry.bytes[0]);
    expect([...order].sort((x = 0, y = 0) => x - y)).toEqual(Array.from({ length: 50 }, (_, index) => index));
    expect(order).not.toEqual(Array.from({ length: 50 }, (_, index) => index));
  });

  it('drops every frame at rate 1', async () => {
    const { clock, add, received, drops } = setUp({ ...CLEAN, dropRate: 1 });
    const a = add('a');
    add('b');

    for (let index = 0; index < 10; index++) {
      a.send('b', Uint8Array.of(index));
    }
    await clock.runUntilIdle();

    expect(received('b')).toEqual([]);
    expect(drops('random')).toHaveLength(10);
  });

  it('drops some frames at rate 0.3', async () => {
    const { clock, add, received } = setUp({ ...CLEAN, dropRate: 0.3 });
    const a = add('a');
    add('b');

    for (let index = 0; index < 1000; index++) {
      a.send('b', Uint8Array.of(1));
    }
    await clock.runUntilIdle();

    expect(received('b').length).toBeGreaterThan(620);
    expect(received('b').length).toBeLessThan(780);
  });

  it('duplicates every frame at rate 1', async () => {
    const { clock, trace, add, received } = setUp({ ...CLEAN, duplicateRate: 1 });
    const a = add('a');
    add('b');

    a.send('b', Uint8Array.of(7));
    await clock.runUntilIdle();

    expect(received('b').map((entry) => entry.bytes)).toEqual([[7], [7]]);
    expect(trace.lines().filter((line) => line.includes('net-duplicate #2 of #1 a->b'))).toHaveLength(1);
  });

  it('blocks one direction of a one-way partition', async () => {
    const { clock, network, add, received, drops } = setUp();
    const a = add('a');
    const b = add('b');
    network.partition('a', 'b');

    a.send('b', Uint8Array.of(1));
    b.send('a', Uint8Array.of(2));
    await clock.runUntilIdle();

    expect(received('b')).toEqual([]);
    expect(received('a').map((entry) => entry.bytes)).toEqual([[2]]);
    expect(drops('partition')).toHaveLength(1);
    expect(network.isBlocked('a', 'b')).toBe(true);
    expect(network.isBlocked('b', 'a')).toBe(false);
  });

  it('restores links on heal', async () => {
    const { clock, network, add, received } = setUp();
    const a = add('a');
    add('b');
    network.partition('a', 'b');
    network.heal();

    a.send('b', Uint8Array.of(1));
    await clock.runUntilIdle();

    expect(received('b')).toHaveLength(1);
  });

  it('restores one link on reconnect', async () => {
    const { clock, network, add, received } = setUp();
    const a = add('a');
    add('b');
    add('c');
    network.partition('a', 'b');
    network.partition('a', 'c');
    network.reconnect('a', 'b');

    a.send('b', Uint8Array.of(1));
    a.send('c', Uint8Array.of(1));
    await clock.runUntilIdle();

    expect(received('b')).toHaveLength(1);
    expect(received('c')).toHaveLength(0);
  });

  it('blocks both directions of a split', async () => {
    const { clock, network, add, received } = setUp();
    const a = add('a');
    const b = add('b');
    const c = add('c');
    network.split(['a'], ['b', 'c']);

    a.send('b', Uint8Array.of(1));
    b.send('a', Uint8Array.of(1));
    c.send('a', Uint8Array.of(1));
    b.send('c', Uint8Array.of(1));
    await clock.runUntilIdle();

    expect(received('a')).toHaveLength(0);
    expect(received('b')).toHaveLength(0);
    expect(received('c')).toHaveLength(1);
  });

  it('isolates a node except from itself', async () => {
    const { clock, network, add, received } = setUp();
    const a = add('a');
    const b = add('b');
    network.isolate('a');

    a.send('b', Uint8Array.of(1));
    b.send('a', Uint8Array.of(2));
    a.send('a', Uint8Array.of(3));
    await clock.runUntilIdle();

    expect(received('b')).toEqual([]);
    expect(received('a').map((entry) => entry.bytes)).toEqual([[3]]);
  });

  it('drops frames in flight into a partition', async () => {
    const { clock, network, add, received, drops } = setUp({ ...CLEAN, delayMsMin: 10, delayMsMax: 10 });
    const a = add('a');
    add('b');

    a.send('b', Uint8Array.of(1));
    await clock.runFor(5);
    network.partition('a', 'b');
    await clock.runUntilIdle();

    expect(received('b')).toEqual([]);
    expect(drops('partition')).toHaveLength(1);
  });

  it('rejects partitioning a node from itself', () => {
    const { network, add } = setUp();
    add('a');
    expect(() => network.partition('a', 'a')).toThrow(/from itself/);
    expect(() => network.partition('a', 'zz')).toThrow(/unknown endpoint "zz"/);
  });

  it('drops frames to a down endpoint', async () => {
    const { clock, network, add, received, drops } = setUp();
    const a = add('a');
    add('b');
    network.down('b');

    a.send('b', Uint8Array.of(1));
    await clock.runUntilIdle();

    expect(received('b')).toEqual([]);
    expect(drops('receiver-down')).toHaveLength(1);
    expect(network.isUp('b')).toBe(false);
  });

  it('drops frames whose receiver went down in flight', async () => {
    const { clock, network, add, received, drops } = setUp({ ...CLEAN, delayMsMin: 10, delayMsMax: 10 });
    const a = add('a');
    add('b');

    a.send('b', Uint8Array.of(1));
    await clock.runFor(5);
    network.down('b');
    await clock.runUntilIdle();

    expect(received('b')).toEqual([]);
    expect(drops('receiver-down')).toHaveLength(1);
  });

  it('drops frames across a receiver restart', async () => {
    const { clock, network, add, attach, received, drops } = setUp({ ...CLEAN, delayMsMin: 10, delayMsMax: 10 });
    const a = add('a');
    add('b');

    a.send('b', Uint8Array.of(1));
    await clock.runFor(5);
    network.down('b');
    attach('b', network.up('b'));
    await clock.runUntilIdle();

    expect(received('b')).toEqual([]);
    expect(drops('receiver-restarted')).toHaveLength(1);
    expect(network.incarnation('b')).toBe(1);
  });

  it('serves the new incarnation after up', async () => {
    const { clock, network, add, attach, received, drops } = setUp();
    const oldA = add('a');
    add('b');
    network.down('a');
    const newA = attach('a', network.up('a'));

    oldA.send('b', Uint8Array.of(1));
    newA.send('b', Uint8Array.of(2));
    await clock.runUntilIdle();

    expect(received('b').map((entry) => entry.bytes)).toEqual([[2]]);
    expect(drops('sender-down')).toHaveLength(1);
  });

  it('ignores a handler set through a stale transport', async () => {
    const { clock, network, add } = setUp();
    const oldB = network.addEndpoint('b');
    const a = add('a');
    network.down('b');
    const newB = network.up('b');
    const staleFrames: number[] = [];
    const freshFrames: number[] = [];
    newB.onFrame((_, frame) => freshFrames.push(frame[0] ?? -1));
    oldB.onFrame((_, frame) => staleFrames.push(frame[0] ?? -1));

    a.send('b', Uint8Array.of(4));
    await clock.runUntilIdle();

    expect(staleFrames).toEqual([]);
    expect(freshFrames).toEqual([4]);
  });

  it('drops frames to unknown endpoints', async () => {
    const { clock, add, drops } = setUp();
    const a = add('a');

    a.send('nobody', Uint8Array.of(1));
    await clock.runUntilIdle();

    expect(drops('unknown-endpoint')).toHaveLength(1);
  });

  it('drops frames when no handler is set', async () => {
    const { clock, network, add, drops } = setUp();
    const a = add('a');
    network.addEndpoint('b');

    a.send('b', Uint8Array.of(1));
    await clock.runUntilIdle();

    expect(drops('no-handler')).toHaveLength(1);
  });

  it('drops exactly the next matching frame', async () => {
    const { clock, network, add, received, drops } = setUp();
    const a = add('a');
    const c = add('c');
    add('b');
    network.dropNext({ to: 'b' });

    c.send('a', Uint8Array.of(0));
    a.send('b', Uint8Array.of(1));
    a.send('b', Uint8Array.of(2));
    await clock.runUntilIdle();

    expect(received('a')).toHaveLength(1);
    expect(received('b').map((entry) => entry.bytes)).toEqual([[2]]);
    expect(drops('explicit')).toHaveLength(1);
  });

  it('duplicates exactly the next matching frames', async () => {
    const { clock, network, add, received } = setUp();
    const a = add('a');
    add('b');
    network.duplicateNext({ from: 'a' }, 2);

    for (let index = 0; index < 4; index++) {
      a.send('b', Uint8Array.of(index));
    }
    await clock.runUntilIdle();

    expect(received('b').map((entry) => entry.bytes[0])).toEqual([0, 0, 1, 1, 2, 3]);
  });

  it('applies fault changes to later frames', async () => {
    const { clock, network, add, received } = setUp();
    const a = add('a');
    add('b');

    a.send('b', Uint8Array.of(1));
    network.setFaults({ dropRate: 1 });
    a.send('b', Uint8Array.of(2));
    network.setFaults({ dropRate: 0 });
    a.send('b', Uint8Array.of(3));
    await clock.runUntilIdle();

    expect(received('b').map((entry) => entry.bytes[0])).toEqual([1, 3]);
    expect(network.faults().dropRate).toBe(0);
  });

  it('rejects invalid fault settings', () => {
    const { network } = setUp();
    expect(() => network.setFaults({ dropRate: 2 })).toThrow(/invalid dropRate 2/);
    expect(() => network.setFaults({ duplicateRate: -0.1 })).toThrow(/invalid duplicateRate -0.1/);
    expect(() => network.setFaults({ delayMsMin: 5, delayMsMax: 4 })).toThrow(/invalid delayMsMax 4/);
    expect(() => network.setFaults({ delayMsMin: -1 })).toThrow(/invalid delayMsMin -1/);
    expect(network.faults()).toEqual(CLEAN);
  });

  it('keeps delays when rates change', async () => {
    const arrivals = async (dropRate: number): Promise<number[]> => {
      const { clock, add, received } = setUp({ ...CLEAN, delayMsMin: 1, delayMsMax: 50, dropRate }, 4);
      const a = add('a');
      add('b');
      for (let index = 0; index < 40; index++) {
        a.send('b', Uint8Array.of(index));
      }
      await clock.runUntilIdle();
      return received('b').map((entry) => entry.at * 1000 + (entry.bytes[0] ?? 0));
    };

    const all = await arrivals(0);
    const some = await arrivals(0.5);

    expect(some.length).toBeLessThan(all.length);
    expect(all).toEqual(expect.arrayContaining(some));
  });

  it('counts frames in flight', async () => {
    const { clock, network, add } = setUp();
    const a = add('a');
    add('b');

    a.send('b', Uint8Array.of(1));
    a.send('b', Uint8Array.of(2));
    expect(network.inFlightCount()).toBe(2);
    await clock.runUntilIdle();

    expect(network.inFlightCount()).toBe(0);
  });

  it('rejects duplicate and malformed endpoint ids', () => {
    const { network, add } = setUp();
    add('a');
    expect(() => network.addEndpoint('a')).toThrow(/already exists/);
    expect(() => network.addEndpoint('has space')).toThrow(/invalid endpoint id/);
    expect(() => network.addEndpoint('')).toThrow(/invalid endpoint id/);
    expect(() => network.down('a')).not.toThrow();
    expect(() => network.down('a')).toThrow(/already down/);
  });

  it('traces sends and deliveries', async () => {
    const { clock, trace, add } = setUp();
    const a = add('a');
    add('b');

    a.send('b', Uint8Array.of(1, 2));
    await clock.runUntilIdle();

    const lines = trace.lines();
    expect(lines).toContain(`     0.000 net-send #1 a->b length=2 digest=${digestBytes(Uint8Array.of(1, 2))}`);
    expect(lines).toContain('     1.000 net-deliver #1 a->b');
  });
});
