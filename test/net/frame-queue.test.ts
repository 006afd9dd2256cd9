import { describe, expect, it } from 'vitest';
import { FrameQueue } from '../../impl/net/frame-queue.ts';

const frame = (bytes: number, marker: number): Uint8Array => new Uint8Array(bytes).fill(marker);

const drain = (queue: FrameQueue): number[] => {
  const markers: number[] = [];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    markers.push(next[0] ?? -1);
  }
  return markers;
};

describe('FrameQueue', () => {
  it('returns frames in push order', () => {
    const queue = new FrameQueue({ framesMax: 100, bytesMax: 1_000 });
    for (let marker = 1; marker <= 50; marker += 1) {
      queue.push(frame(4, marker));
    }

    expect(queue.length).toBe(50);
    expect(queue.bytes).toBe(200);
    expect(drain(queue)).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));
    expect(queue.bytes).toBe(0);
  });

  it('drops the oldest past the frame bound', () => {
    const queue = new FrameQueue({ framesMax: 3, bytesMax: 1_000 });

    const dropped = [1, 2, 3, 4, 5].map((marker) => queue.push(frame(1, marker)));

    expect(dropped).toEqual([0, 0, 0, 1, 1]);
    expect(drain(queue)).toEqual([3, 4, 5]);
  });

  it('drops the oldest past the byte bound', () => {
    const queue = new FrameQueue({ framesMax: 100, bytesMax: 10 });
    queue.push(frame(4, 1));
    queue.push(frame(4, 2));

    const dropped = queue.push(frame(6, 3));

    expect(dropped).toBe(1);
    expect(queue.bytes).toBe(10);
    expect(drain(queue)).toEqual([2, 3]);
  });

  it('never queues a frame over the byte bound', () => {
    const queue = new FrameQueue({ framesMax: 100, bytesMax: 10 });
    queue.push(frame(4, 1));

    expect(queue.push(frame(11, 2))).toBe(1);
    expect(drain(queue)).toEqual([1]);
  });

  it('clear counts and removes every frame', () => {
    const queue = new FrameQueue({ framesMax: 100, bytesMax: 1_000 });
    queue.push(frame(4, 1));
    queue.push(frame(4, 2));
    queue.shift();
    queue.push(frame(4, 3));

    expect(queue.clear()).toBe(2);
    expect(queue.length).toBe(0);
    expect(queue.bytes).toBe(0);
    expect(queue.shift()).toBeUndefined();
  });
});
