import { describe, expect, it } from 'vitest';
import type { Seed } from '../../impl/sim/random.ts';
import { SimWorld, type EndpointPorts } from '../../impl/sim/world.ts';
import { testSeed } from './seed.ts';

const ENDPOINT_IDS = ['n1', 'n2', 'n3', 'c1'];

const ROUNDS = 80;

interface RunRecord {
  readonly text: string;
  readonly hash: string;
  readonly lines: readonly string[];
}

/**
 * Runs a scripted random workload with every fault on. Endpoints send random frames on timers
 * and in reply, and append what they receive to disk with occasional syncs. The script crashes
 * and restarts endpoints, partitions and heals the network, and changes fault rates.
 */
const runWorkload = async (seed: Seed): Promise<RunRecord> => {
  const world = new SimWorld({
    seed,
    network: { delayMsMin: 0.5, delayMsMax: 20, dropRate: 0.1, duplicateRate: 0.1 },
    disk: { syncLatencyMsMin: 1, syncLatencyMsMax: 8, tornWriteRate: 0.5 },
    logs: 'trace',
  });

  const boot = (ports: EndpointPorts): void => {
    void ports.storage.load().then((bytes) => {
      world.note(`${ports.id} incarnation=${ports.incarnation} loaded=${bytes.length}`);
    });

    ports.transport.onFrame((from, frame) => {
      ports.storage.append(frame);
      if (ports.random.int(3) === 0) {
        void ports.storage.sync().then(() => world.note(`${ports.id} synced after frame from ${from}`));
      }
      if (ports.random.nextFloat() < 0.3) {
        ports.transport.send(from, ports.random.bytes(1 + ports.random.int(8)));
      }
    });

    const tick = (): void => {
      const to = ENDPOINT_IDS[ports.random.int(ENDPOINT_IDS.length)] ?? 'n1';
      ports.transport.send(to, ports.random.bytes(1 + ports.random.int(16)));
      if (ports.random.nextFloat() < 0.1) {
        ports.logger.info({ to }, 'tick');
      }
      ports.clock.setTimer(1 + 14 * ports.random.nextFloat(), tick);
    };
    ports.clock.setTimer(5 * ports.random.nextFloat(), tick);
  };

  for (const id of ENDPOINT_IDS) {
    world.addEndpoint(id, boot);
  }

  const script = world.random.fork('workload');
  for (let round = 0; round < ROUNDS; round++) {
    const up = ENDPOINT_IDS.filter((id) => world.isUp(id));
    const down = ENDPOINT_IDS.filter((id) => !world.isUp(id));

    switch (script.int(8)) {
      case 0:
      case 1:
        if (up.length > 1) {
          const outcome = world.crashEndpoint(script.pick(up));
          world.note(`crash kept ${outcome.keptLength} of ${outcome.unsyncedLength} unsynced bytes`);
        }
        break;
      case 2:
      case 3:
        if (down.length > 0) {
          world.restartEndpoint(script.pick(down));
        }
        break;
      case 4: {
        const from = script.pick(ENDPOINT_IDS);
        const to = script.pick(ENDPOINT_IDS.filter((id) => id !== from));
        world.network.partition(from, to);
        break;
      }
      case 5:
        world.network.isolate(script.pick(ENDPOINT_IDS));
        break;
      case 6:
        world.network.heal();
        break;
      default:
        world.network.setFaults({ dropRate: script.between(0, 0.3), duplicateRate: script.between(0, 0.3) });
        break;
    }

    await world.clock.runFor(script.between(5, 30));
  }

  world.network.heal();
  for (const id of ENDPOINT_IDS.filter((candidate) => !world.isUp(candidate))) {
    world.restartEndpoint(id);
  }
  await world.clock.runFor(50);

  return { text: world.trace.text(), hash: world.trace.hash(), lines: world.trace.lines() };
};

describe('simulation determinism', () => {
  it('repeats a run byte for byte', async () => {
    const first = await runWorkload(testSeed);
    const second = await runWorkload(testSeed);

    expect(second.text).toBe(first.text);
    expect(second.hash).toBe(first.hash);
    expect(first.lines.length).toBeGreaterThan(1000);
  });

  it('changes the run with the seed', async () => {
    const first = await runWorkload(testSeed);
    const other = await runWorkload(testSeed + 1);

    expect(other.hash).not.toBe(first.hash);
    expect(other.text).not.toBe(first.text);
  });

  it('repeats a run beside another', async () => {
    const alone = await runWorkload(testSeed);
    const [together] = await Promise.all([runWorkload(testSeed), runWorkload(testSeed + 7)]);

    expect(together.hash).toBe(alone.hash);
  });

  it('exercises every fault', async () => {
    const { lines } = await runWorkload(testSeed);
    const count = (pattern: RegExp): number => lines.filter((line) => pattern.test(line)).length;

    expect(count(/ net-drop .* reason=random$/)).toBeGreaterThan(0);
    expect(count(/ net-drop .* reason=partition$/)).toBeGreaterThan(0);
    expect(count(/ net-drop .* reason=receiver-down$/)).toBeGreaterThan(0);
    expect(count(/ net-duplicate /)).toBeGreaterThan(0);
    expect(count(/ crash /)).toBeGreaterThan(0);
    expect(count(/ disk-torn /)).toBeGreaterThan(0);
    expect(count(/ disk-sync /)).toBeGreaterThan(0);
    expect(count(/ note .* loaded=[1-9]/)).toBeGreaterThan(0);
    expect(count(/ log info "tick"/)).toBeGreaterThan(0);
  });

  it('delivers some frames out of order', async () => {
    const { lines } = await runWorkload(testSeed);
    let reordered = 0;
    const lastByLink = new Map<string, number>();

    for (const line of lines) {
      const match = / net-deliver #(\d+) (\S+)$/.exec(line);
      if (match === null) {
        continue;
      }
      const frameId = Number(match[1]);
      const link = match[2] ?? '';
      if (frameId < (lastByLink.get(link) ?? 0)) {
        reordered++;
      }
      lastByLink.set(link, Math.max(frameId, lastByLink.get(link) ?? 0));
    }

    expect(reordered).toBeGreaterThan(0);
  });
});
