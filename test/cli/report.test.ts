import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../../impl/cli/report/escape.ts';
import { renderReport, writeReport } from '../../impl/cli/report/index.ts';
import { layoutDiagram, type Layout } from '../../impl/cli/report/layout.ts';
import { CHAR_WIDTH_PX, FONT_PX, REASON_LINE_PX, ROW_GAP_PX_MIN } from '../../impl/cli/report/limits.ts';
import { buildTrace } from '../../impl/cli/report/trace.ts';
import { collectViolations, violationsByOp } from '../../impl/cli/report/violations.ts';
import { ALL_RIGHTS, initialState, nodeId, objectId, type Capability } from '../../model/index.ts';
import { ReferenceSystem } from '../../properties/adapters/reference.ts';
import { runCampaign, type CampaignFailure } from '../../properties/distributed/campaign.ts';
import type { DistributedHistory } from '../../properties/distributed/history.ts';
import type { RecordedOp } from '../../properties/distributed/run.ts';
import { mutantNamed } from '../../properties/mutants.ts';

const INJECTED = `<script>alert("x")</script> & 'quoted' "double"`;

const REPLAY = `SHARDCAP_SEED=1 npx shardcap check --system 'mutant:skip-version-check' --path "1:2" && echo <done>`;

/** Finds a real failure: the checker against the reference implementation with versions unchecked. */
const findFailure = async (): Promise<CampaignFailure> => {
  const mutant = mutantNamed('skip-version-check');
  if (mutant === undefined) {
    throw new Error('mutant skip-version-check is missing from properties/mutants.ts');
  }
  const result = await runCampaign({
    system: (history: DistributedHistory) =>
      new ReferenceSystem({ seed: history.seed, nodes: history.nodeCount, clients: history.clientCount, disk: { tornWriteRate: 0 }, mutant }),
    runs: 300,
    seed: 1,
    generator: {},
    budget: 100_000,
  });
  if (result.failure === null) {
    throw new Error('skip-version-check survived 300 histories with seed 1, so there is no failure to report');
  }
  return result.failure;
};

/** Returns the ids of the operations the linearizability checker could not place. */
const mismatchedOps = (failure: CampaignFailure): number[] =>
  [...failure.verdict.linearizability.objects.values()].flatMap((verdict) =>
    verdict.verdict === 'violation' && verdict.mismatch !== null ? [verdict.mismatch.op] : [],
  );

/** Returns the body rows of the trace table. */
const tableRows = (html: string): string[] => {
  const body = /<table class="trace">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return body.split('\n').filter((line) => line.startsWith('<tr'));
};

const layoutOf = (failure: CampaignFailure): Layout => layoutDiagram(buildTrace(failure), violationsByOp(collectViolations(failure)));

interface Box {
  readonly name: string;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

/** Returns the boxes of every operation label and violation reason line of a layout. */
const labelBoxes = (layout: Layout): Box[] =>
  layout.bars.flatMap((bar) =>
    [bar.label, ...bar.reasons].map((text, index) => {
      const baseline = bar.labelY + index * REASON_LINE_PX;
      return { name: `#${bar.op.id} line ${index}`, left: bar.labelX, right: bar.labelX + text.length * CHAR_WIDTH_PX, top: baseline - FONT_PX, bottom: baseline + 3 };
    }),
  );

/** Checks that the row after each violating operation starts below the operation's reason lines. */
const expectRoomForReasons = (layout: Layout): void => {
  const violating = layout.bars.filter((bar) => bar.reasons.length > 0);
  expect(violating.length).toBeGreaterThan(0);
  for (const bar of violating) {
    const next = layout.rows.find((row) => row.y > bar.top);
    const needed = bar.top + ROW_GAP_PX_MIN + bar.reasons.length * REASON_LINE_PX;
    expect(next === undefined || next.y >= needed, `row after #${bar.op.id} at ${next?.y}, reasons end at ${needed}`).toBe(true);
  }
};

const overlaps = (a: Box, b: Box): boolean => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

describe('report of a skip-version-check failure', () => {
  let failure: CampaignFailure;
  let dir: string;
  let path: string;
  let html: string;

  beforeAll(async () => {
    failure = await findFailure();
    dir = await mkdtemp(join(tmpdir(), 'shardcap-report-'));
    path = await writeReport(join(dir, 'nested'), { failure, system: 'mutant:skip-version-check', replayCommand: REPLAY, generatedAt: '2026-01-02T03:04:05Z' });
    html = await readFile(path, 'utf8');
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes index.html in the directory', () => {
    expect(path).toBe(join(dir, 'nested', 'index.html'));
    expect(existsSync(path)).toBe(true);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  });

  it('draws an inline svg diagram', () => {
    expect(html).toContain('<svg');
    expect(html).toContain('class="diagram"');
  });

  it('loads nothing from outside', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/\b(src|href)="(?!#)/);
  });

  it('one lifeline per client and node', () => {
    const actors = [...Array.from({ length: failure.history.clientCount }, (_, index) => `c${index}`), ...failure.run.nodes];
    for (const actor of actors) {
      const count = html.split(`data-actor="${actor}"`).length - 1;
      const lifelines = html.match(new RegExp(`<line [^>]*class="lifeline (client|node)" data-actor="${actor}"`, 'g')) ?? [];
      expect(lifelines, `lifelines of ${actor}`).toHaveLength(1);
      expect(count, `elements naming ${actor}`).toBeGreaterThanOrEqual(2);
    }
    expect(html.match(/class="lifeline (client|node|other)"/g)).toHaveLength(actors.length);
  });

  it('highlights the mismatched operation', () => {
    const ops = mismatchedOps(failure);
    expect(ops.length).toBeGreaterThan(0);
    for (const id of ops) {
      expect(html).toContain(`<g class="op violating" data-op="${id}">`);
      expect(html).toContain(`<tr id="op-${id}" class="op-start violating">`);
    }
    expect(html).toMatch(/class="halo reason">! linearizability: on n\d+\/\d+: recorded /);
  });

  it('names the violated check, seed and path', () => {
    expect(html).toContain('<strong class="check">linearizability</strong>');
    expect(html).toContain(`<dd>${failure.seed}</dd>`);
    expect(html).toContain(`<dd>${escapeHtml(failure.path)}</dd>`);
    expect(html).toContain('<dd>2026-01-02T03:04:05Z</dd>');
  });

  it('shows the replay command escaped', () => {
    expect(html).toContain(`<pre class="replay">${escapeHtml(REPLAY)}</pre>`);
    expect(html).toContain('&amp;&amp; echo &lt;done&gt;');
  });

  it('says a kept run is neither replayable nor shrunk', () => {
    const kept = renderReport({ failure, system: 'mutant:skip-version-check (local cluster)', replayCommand: 'npx shardcap recheck run.json', kept: 'run.json' });

    expect(html).toContain('shrank it');
    expect(kept).not.toContain('shrank it');
    expect(kept).toContain('it can be neither replayed nor shrunk');
    expect(kept).toContain('<h2>Check again</h2>');
    expect(kept).toContain('<dd>run.json</dd>');
    expect(kept).toContain('Sequence diagram of the recorded history');
    expect(kept).not.toContain('<dt>shrink steps</dt>');
  });

  it('table has one line per event', () => {
    const run = failure.run;
    const opLines = run.ops.reduce((sum, op) => sum + (op.endMs === null || op.endMs === op.startMs ? 1 : 2), 0);
    const finalPhase = run.ops.some((op) => op.final) ? 1 : 0;
    expect(tableRows(html)).toHaveLength(opLines + run.messages.length + run.faults.length + finalPhase);
  });

  it('table is sorted by time', () => {
    const times = tableRows(html).map((row) => Number(/<td class="time">([\d.]+) ms<\/td>/.exec(row)?.[1]));
    expect(times.every((time) => Number.isFinite(time))).toBe(true);
    times.slice(1).forEach((time, index) => expect(time).toBeGreaterThanOrEqual(times[index] ?? 0));
  });

  it('rows go down as time goes on', () => {
    const layout = layoutOf(failure);
    layout.rows.slice(1).forEach((row, index) => {
      const previous = layout.rows[index];
      expect(previous).toBeDefined();
      expect(row.timeMs).toBeGreaterThanOrEqual(previous?.timeMs ?? 0);
      expect(row.y).toBeGreaterThan(previous?.y ?? 0);
    });
  });

  it('operation labels never overlap', () => {
    const boxes = labelBoxes(layoutOf(failure));
    expect(boxes.length).toBeGreaterThanOrEqual(failure.run.ops.length);
    for (const [index, box] of boxes.entries()) {
      for (const other of boxes.slice(index + 1)) {
        expect(overlaps(box, other), `${box.name} overlaps ${other.name}`).toBe(false);
      }
    }
  });

  it('leaves room under reason lines', () => {
    expectRoomForReasons(layoutOf(failure));
  });

  it('escapes values from the system under test', () => {
    const injected = injectWrite(failure, INJECTED);
    const page = renderReport({ failure: injected, system: INJECTED, replayCommand: INJECTED });
    expect(page).not.toMatch(/<script/i);
    expect(page).toContain('&lt;script&gt;alert(');
    expect(page).toContain('&quot;&lt;script&gt;alert(\\&quot;x\\&quot;)&lt;/script&gt; &amp; &#39;quoted&#39; \\&quot;double\\&quot;&quot;');
    expect(page).toContain('<h1>shardcap check: <span class="verdict">violation</span> in &lt;script&gt;');
  });
});

/** The same failure with its first operation turned into a write of `value` whose read-back also returns `value`. */
const injectWrite = (failure: CampaignFailure, value: string): CampaignFailure => {
  const [first, ...rest] = failure.run.ops;
  if (first === undefined) {
    throw new Error('the failure has no operations to inject a value into');
  }
  const cap: Capability = { object: objectId(nodeId('n0'), 0), slot: 0, version: 0, rights: ALL_RIGHTS, caveats: [] };
  const write: RecordedOp = { ...first, kind: 'write', input: { op: 'invoke', cap, action: { kind: 'write', value } }, outcome: { kind: 'ok', value: { kind: 'write' } }, output: { op: 'invoke', result: { kind: 'write' } } };
  const read: RecordedOp = { ...first, id: rest.length + 1, kind: 'read', input: { op: 'invoke', cap, action: { kind: 'read' } }, outcome: { kind: 'ok', value: { kind: 'read', value } }, output: { op: 'invoke', result: { kind: 'read', value } } };
  return { ...failure, run: { ...failure.run, ops: [write, ...rest, read] } };
};

describe('escapeHtml', () => {
  it('escapes markup and quotes', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('shows control characters as codes', () => {
    expect(escapeHtml('a\u0007b\u0000')).toBe('a\\u{0007}b\\u{0000}');
  });

  it('shows lone surrogates as codes', () => {
    expect(escapeHtml('x\ud800y')).toBe('x\\u{d800}y');
    expect(escapeHtml('😀')).toBe('😀');
  });
});

const n0 = nodeId('n0');
const n1 = nodeId('n1');
const object = objectId(n0, 0);
const rootCap: Capability = { object, slot: 0, version: 0, rights: ALL_RIGHTS, caveats: [] };

/**
 * Builds a hand-made failure with every kind of fault, an indeterminate write that violates failure
 * isolation, and an idle gap of about 4.9 s before the final read.
 */
const syntheticFailure = (): CampaignFailure => {
  const history: DistributedHistory = {
    nodeCount: 2,
    clientCount: 2,
    streams: [[], []],
    faults: [
      { atMs: 20, fault: { kind: 'crash', node: 0, torn: true } },
      { atMs: 30, fault: { kind: 'partition', client: 0, node: 1, oneWay: false } },
      { atMs: 40, fault: { kind: 'heal' } },
      { atMs: 60, fault: { kind: 'restart', node: 0 } },
      { atMs: 70, fault: { kind: 'restart', node: 1 } },
    ],
    rates: { dropRate: 0, duplicateRate: 0, delayMsMax: 2 },
    seed: 7,
  };
  const base = { object, owner: n0, final: false } as const;
  const ops: RecordedOp[] = [
    {
      ...base,
      id: 0,
      client: 0,
      kind: 'create',
      input: { op: 'create', node: n0, value: 'a' },
      requestId: 'c0:0',
      startMs: 0,
      endMs: 5,
      returnedMs: 5,
      outcome: { kind: 'ok', value: { object } },
      output: { op: 'create', object, cap: rootCap, revoker: { object, slot: 0, version: 0 } },
    },
    {
      ...base,
      id: 1,
      client: 1,
      kind: 'write',
      input: { op: 'invoke', cap: rootCap, action: { kind: 'write', value: 'b' } },
      requestId: 'c1:0',
      startMs: 10,
      endMs: null,
      returnedMs: 5010,
      outcome: { kind: 'indeterminate', reason: 'no answer from n0 within 5000 ms' },
      output: null,
    },
    {
      ...base,
      id: 2,
      client: 0,
      kind: 'read',
      input: { op: 'invoke', cap: rootCap, action: { kind: 'read' } },
      requestId: 'c0:1',
      startMs: 5020,
      endMs: 5024,
      returnedMs: 5024,
      outcome: { kind: 'ok', value: { kind: 'read', value: 'a' } },
      output: { op: 'invoke', result: { kind: 'read', value: 'a' } },
      final: true,
    },
  ];
  const applied = [true, true, true, true, false];
  return {
    seed: 5,
    path: '0:1',
    history,
    shrinks: 3,
    run: {
      system: 'synthetic',
      supportedFaults: new Set(['crash', 'partition', 'drop', 'duplicate', 'delay', 'disk']),
      finalPhaseMs: 5020,
      history,
      nodes: [n0, n1],
      ops,
      faults: history.faults.map((fault, index) => ({ ...fault, applied: applied[index] ?? false, description: '' })),
      messages: [
        { timeMs: 0, from: 'c0', to: 'n0', requestId: 'c0:0' },
        { timeMs: 4, from: 'n0', to: 'c0', requestId: 'c0:0' },
        { timeMs: 10, from: 'c1', to: 'n0', requestId: 'c1:0' },
        { timeMs: 60, from: 'c1', to: 'n0', requestId: 'c1:0' },
        { timeMs: 5020, from: 'c0', to: 'n0', requestId: 'c0:1' },
        { timeMs: 5022, from: 'n0', to: 'c0', requestId: 'c0:1' },
      ],
      initialState: initialState([n0, n1]),
      startMs: 0,
      endMs: 5024,
    },
    verdict: {
      verdict: 'violation',
      linearizability: { verdict: 'linearizable', objects: new Map(), unchecked: [] },
      direct: [{ check: 'failure-isolation', op: 1, message: 'write on n0 got no answer although the owner stayed up and reachable' }],
      local: [],
    },
  };
};

describe('report of faults and idle gaps', () => {
  const failure = syntheticFailure();
  const html = renderReport({ failure, system: 'synthetic', replayCommand: 'true' });
  const layout = layoutOf(failure);

  it('marks the crash and the restart', () => {
    expect(html).toContain('<g class="fault crash" data-fault="crash">');
    expect(html).toContain('class="crash-mark"');
    expect(html).toContain('crash n0 (torn log tail)</text>');
    expect(html).toContain('<g class="fault restart" data-fault="restart">');
    expect(html).toContain('class="restart-mark"');
  });

  it('dashes the lifeline while the node is down', () => {
    expect(layout.downSpans).toHaveLength(1);
    const span = layout.downSpans[0];
    const crash = layout.rows.find((row) => row.timeMs === 20);
    const restart = layout.rows.find((row) => row.timeMs === 60);
    expect(span?.actor).toBe('n0');
    expect(span?.top).toBe(crash?.y);
    expect(span?.bottom).toBe(restart?.y);
    expect(html).toContain('<g class="down" data-actor="n0">');
  });

  it('annotates partition and heal', () => {
    expect(html).toContain('partition c0 &lt;-&gt; n1</text>');
    expect(html).toContain('class="partition-line"');
    expect(html).toContain('heal every partition</text>');
  });

  it('shows a skipped fault as not applied', () => {
    expect(html).toContain('restart n1 (not applied)</text>');
    expect(html).toContain('restart n1 (not applied: the node was up, or the client streams had ended)');
  });

  it('cuts the idle gap with a break', () => {
    expect(layout.breaks).toHaveLength(1);
    expect(layout.breaks[0]?.gapMs).toBe(4950);
    expect(html).toContain('+4950 ms</text>');
    const last = layout.rows[layout.rows.length - 1];
    expect(last?.y).toBeLessThan(1000);
  });

  it('leaves the indeterminate bar open', () => {
    const bar = layout.bars.find((candidate) => candidate.op.id === 1);
    expect(bar?.open).toBe(true);
    expect(html).toMatch(/<g class="op violating" data-op="1"><title>[^<]*<\/title><path [^>]*class="bar indeterminate violating open"/);
    expect(html).toContain('#1 write n0/0#0@0 &quot;b&quot; -&gt; indeterminate</text>');
  });

  it('highlights the failure-isolation violation', () => {
    expect(html).toContain('<strong class="check">failure-isolation</strong>');
    expect(html).toContain('! failure-isolation: write on n0 got no answer');
    expect(html).toContain('class="message violating"');
  });

  it('leaves room under reason lines', () => {
    expectRoomForReasons(layout);
  });

  it('labels each message with its request id', () => {
    for (const id of ['c0:0', 'c1:0', 'c0:1']) {
      expect(html).toContain(`class="halo message-label" text-anchor="middle">${id}</text>`);
    }
  });
});
