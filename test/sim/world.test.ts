import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../impl/ports.ts';
import { SimWorld, type EndpointPorts } from '../../impl/sim/world.ts';

const CLEAN = { delayMsMin: 1, delayMsMax: 1, dropRate: 0, duplicateRate: 0 };

describe('SimWorld', () => {
  it('boots an endpoint on add and restart', () => {
    const world = new SimWorld({ seed: 1, network: CLEAN });
    const booted: number[] = [];

    world.addEndpoint('a', (ports) => booted.push(ports.incarnation));
    world.crashEndpoint('a');
    world.restartEndpoint('a');

    expect(booted).toEqual([0, 1]);
    expect(world.ports('a').incarnation).toBe(1);
    expect(world.isUp('a')).toBe(true);
  });

  it('wires two endpoints together', async () => {
    const world = new SimWorld({ seed: 1, network: CLEAN });
    const received: string[] = [];
    const a = world.addEndpoint('a');
    world.addEndpoint('b', (ports) => ports.transport.onFrame((from, frame) => received.push(`${from}:${frame[0]}`)));

    a.transport.send('b', Uint8Array.of(5));
    await world.clock.runUntilIdle();

    expect(received).toEqual(['a:5']);
  });

  it('cancels timers of a crashed process', async () => {
    const world = new SimWorld({ seed: 1 });
    const fired: string[] = [];
    const a = world.addEndpoint('a');
    a.clock.setTimer(10, () => fired.push('old'));

    world.crashEndpoint('a');
    const restarted = world.restartEndpoint('a');
    restarted.clock.setTimer(10, () => fired.push('new'));
    await world.clock.runUntilIdle();

    expect(fired).toEqual(['new']);
  });

  it('keeps durable bytes across restart', async () => {
    const world = new SimWorld({ seed: 1, disk: { tornWriteRate: 0 } });
    const a = world.addEndpoint('a');
    a.storage.append(Uint8Array.of(1, 2));
    void a.storage.sync();
    await world.clock.runUntilIdle();
    a.storage.append(Uint8Array.of(3));

    const outcome = world.crashEndpoint('a');
    const restarted = world.restartEndpoint('a');
    let loaded: number[] | undefined;
    void restarted.storage.load().then((bytes) => {
      loaded = [...bytes];
    });
    await world.clock.runUntilIdle();

    expect(outcome).toEqual({ unsyncedLength: 1, keptLength: 0 });
    expect(loaded).toEqual([1, 2]);
  });

  it('delivers nothing to a crashed endpoint', async () => {
    const world = new SimWorld({ seed: 1, network: CLEAN });
    const received: number[] = [];
    const a = world.addEndpoint('a');
    world.addEndpoint('b', (ports) => ports.transport.onFrame((_, frame) => received.push(frame[0] ?? -1)));

    world.crashEndpoint('b');
    a.transport.send('b', Uint8Array.of(1));
    await world.clock.runUntilIdle();
    world.restartEndpoint('b');
    a.transport.send('b', Uint8Array.of(2));
    await world.clock.runUntilIdle();

    expect(received).toEqual([2]);
  });

  it('stops a crashed process from sending', async () => {
    const world = new SimWorld({ seed: 1, network: CLEAN });
    const received: number[] = [];
    const a = world.addEndpoint('a');
    world.addEndpoint('b', (ports) => ports.transport.onFrame((_, frame) => received.push(frame[0] ?? -1)));

    world.crashEndpoint('a');
    a.transport.send('b', Uint8Array.of(1));
    await world.clock.runUntilIdle();

    expect(received).toEqual([]);
  });

  it('gives each incarnation its own random stream', () => {
    const world = new SimWorld({ seed: 1 });
    const first = world.addEndpoint('a').random.nextUint32();
    world.crashEndpoint('a');
    const second = world.restartEndpoint('a').random.nextUint32();
    const other = world.addEndpoint('b').random.nextUint32();

    expect(new Set([first, second, other]).size).toBe(3);
    expect(new SimWorld({ seed: 1 }).addEndpoint('a').random.nextUint32()).toBe(first);
  });

  it('rejects misuse with a hint', () => {
    const world = new SimWorld({ seed: 1 });
    world.addEndpoint('a');

    expect(() => world.addEndpoint('a')).toThrow(/already exists/);
    expect(() => world.restartEndpoint('a')).toThrow(/is running: call crashEndpoint\(\)/);
    world.crashEndpoint('a');
    expect(() => world.crashEndpoint('a')).toThrow(/already crashed/);
    expect(() => world.ports('a')).toThrow(/is crashed/);
    expect(() => world.crashEndpoint('zz')).toThrow(/unknown endpoint "zz"/);
  });

  it('sends logs to a given logger', () => {
    const memory = new MemoryLogger();
    const world = new SimWorld({ seed: 1, logs: memory });

    world.addEndpoint('a').logger.warn({ object: 'a/1' }, 'slow sync');

    expect(memory.entries).toEqual([
      { level: 'warn', fields: { endpoint: 'a', incarnation: 0, object: 'a/1' }, message: 'slow sync' },
    ]);
  });

  it('sends logs to the trace', () => {
    const world = new SimWorld({ seed: 1, logs: 'trace' });

    world.addEndpoint('a').logger.info({}, 'started');

    expect(world.trace.lines()).toContain('     0.000 log info "started" {"endpoint":"a","incarnation":0}');
  });

  it('traces crashes and restarts', () => {
    const world = new SimWorld({ seed: 'abc' });
    world.addEndpoint('a');
    world.crashEndpoint('a');
    world.restartEndpoint('a');
    world.note('done');

    expect(world.trace.lines()).toEqual([
      '     0.000 world seed="abc"',
      '     0.000 net-add a',
      '     0.000 crash a incarnation=0',
      '     0.000 net-down a',
      '     0.000 disk-crash a unsynced=0 kept=0',
      '     0.000 net-up a incarnation=1',
      '     0.000 restart a incarnation=1',
      '     0.000 note done',
    ]);
    expect(world.endpointIds()).toEqual(['a']);
  });

  it('exposes the disk of an endpoint', async () => {
    const world = new SimWorld({ seed: 1 });
    const ports: EndpointPorts = world.addEndpoint('a');
    ports.storage.append(Uint8Array.of(4));
    void ports.storage.sync();
    await world.clock.runUntilIdle();

    expect([...world.disk('a').durableBytes()]).toEqual([4]);
  });
});
