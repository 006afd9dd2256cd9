import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SimClock } from '../../impl/sim/clock.ts';
import { TRACE_UNFORMATTED_EVENTS_MAX } from '../../impl/sim/defaults.ts';
import { digestBytes, formatTime, Trace } from '../../impl/sim/trace.ts';
import { traceLogger } from '../../impl/sim/trace-logger.ts';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('Trace', () => {
  it('starts each line with the time', async () => {
    const clock = new SimClock();
    const trace = new Trace(clock);
    trace.record('net-send', 'first');
    await clock.advanceTo(12.3456);
    trace.note('result ok');

    expect(trace.lines()).toEqual(['     0.000 net-send first', '    12.346 note result ok']);
    expect(trace.length).toBe(2);
  });

  it('hashes exactly its text', () => {
    const trace = new Trace(new SimClock());
    expect(trace.hash()).toBe(sha256(''));

    trace.record('crash', 'a incarnation=0');
    trace.record('net-heal', '');

    expect(trace.text()).toBe('     0.000 crash a incarnation=0\n     0.000 net-heal\n');
    expect(trace.hash()).toBe(sha256(trace.text()));
  });

  it('changes its hash with any line', () => {
    const first = new Trace(new SimClock());
    const second = new Trace(new SimClock());
    first.note('a');
    second.note('b');

    expect(first.hash()).not.toBe(second.hash());
  });

  it('hashes alike without retained lines', () => {
    const clock = new SimClock();
    const retained = new Trace(clock);
    const streamed: string[] = [];
    const unretained = new Trace(clock, { retainLines: false, sink: (line) => streamed.push(line) });

    for (const trace of [retained, unretained]) {
      trace.note('one');
      trace.record('disk-sync', 'a durable=4');
    }

    expect(unretained.hash()).toBe(retained.hash());
    expect(unretained.length).toBe(2);
    expect(streamed).toEqual(retained.lines());
    expect(() => unretained.lines()).toThrow(/does not retain lines/);
  });

  it('keeps the time of recording until read', async () => {
    const clock = new SimClock();
    const trace = new Trace(clock);
    trace.record('net-send', 'early');
    await clock.advanceTo(5);

    expect(trace.lines()).toEqual(['     0.000 net-send early']);
  });

  it('hashes alike across formatting batches', () => {
    const clock = new SimClock();
    const retained = new Trace(clock);
    const unretained = new Trace(clock, { retainLines: false });
    const count = 2 * TRACE_UNFORMATTED_EVENTS_MAX + 7;

    for (let index = 0; index < count; index++) {
      for (const trace of [retained, unretained]) {
        trace.recordUnchecked('disk-append', `n${index % 3} offset=${index}`);
      }
      if (index === TRACE_UNFORMATTED_EVENTS_MAX) {
        expect(unretained.hash()).toBe(sha256(retained.text()));
      }
    }

    expect(unretained.length).toBe(count);
    expect(unretained.hash()).toBe(retained.hash());
    expect(retained.hash()).toBe(sha256(retained.text()));
  });

  it('records unchecked lines like checked ones', () => {
    const checked = new Trace(new SimClock());
    const unchecked = new Trace(new SimClock());

    checked.record('net-deliver', '#1 a->b');
    unchecked.recordUnchecked('net-deliver', '#1 a->b');

    expect(unchecked.lines()).toEqual(checked.lines());
    expect(unchecked.hash()).toBe(checked.hash());
    expect(() => unchecked.recordUnchecked('Bad Kind', 'x')).toThrow(/invalid trace event kind/);
  });

  it('rejects malformed kinds and details', () => {
    const trace = new Trace(new SimClock());
    expect(() => trace.record('Bad Kind', 'x')).toThrow(/invalid trace event kind/);
    expect(() => trace.note('two\nlines')).toThrow(/line break/);
    expect(trace.length).toBe(0);
  });

  it('formats times with three decimals', () => {
    expect(formatTime(0)).toBe('     0.000');
    expect(formatTime(1234567.5)).toBe('1234567.500');
  });

  it('digests bytes with FNV-1a', () => {
    expect(digestBytes(new Uint8Array(0))).toBe('811c9dc5');
    expect(digestBytes(new TextEncoder().encode('a'))).toBe('e40c292c');
    expect(digestBytes(new TextEncoder().encode('foobar'))).toBe('bf9cf968');
  });

  it('pads digests to 8 hex digits', () => {
    const digests = Array.from({ length: 256 }, (_, byte) => digestBytes(Uint8Array.of(byte)));

    expect(digestBytes(Uint8Array.of(0))).toBe('050c5d1f');
    expect(digests.every((digest) => /^[0-9a-f]{8}$/.test(digest))).toBe(true);
  });
});

describe('traceLogger', () => {
  it('records log entries as trace lines', () => {
    const trace = new Trace(new SimClock());
    const logger = traceLogger(trace, { endpoint: 'a' });

    logger.info({ object: 'a/1' }, 'created');
    logger.error({ endpoint: 'override', size: 3n, frame: Uint8Array.of(1, 255) }, 'bad "frame"\nsecond line');

    expect(trace.lines()).toEqual([
      '     0.000 log info "created" {"endpoint":"a","object":"a/1"}',
      '     0.000 log error "bad \\"frame\\"\\nsecond line" {"endpoint":"override","size":"3","frame":"01ff"}',
    ]);
  });

  it('summarizes long byte arrays', () => {
    const trace = new Trace(new SimClock());
    const bytes = new Uint8Array(40);

    traceLogger(trace).debug({ bytes }, 'dump');

    expect(trace.lines()[0]).toBe(`     0.000 log debug "dump" {"bytes":"40 bytes, digest ${digestBytes(bytes)}"}`);
  });
});
