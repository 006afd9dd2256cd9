/**
 * Geometry of the sequence diagram. Columns contain one lifeline each, clients first. Rows contain
 * the events of one simulated time, and time flows down. Each row is at least ROW_GAP_PX_MIN below
 * the previous one, further by PX_PER_MS for the time between them. An idle gap longer than
 * IDLE_GAP_MS_MIN becomes a break of fixed height. Events of one time that would draw over each
 * other go into consecutive rows.
 */
import type { RecordedOp } from '../../../properties/distributed/run.ts';
import { DIAGRAM_DETAIL, faultLabel, reasonLines } from './labels.ts';
import {
  ARROW_DROP_PX,
  AXIS_PX,
  BAR_PX,
  BREAK_PX,
  CHAR_WIDTH_PX,
  CLIENT_COLUMN_PX_MAX,
  CLIENT_COLUMN_PX_MIN,
  CRASH_MARK_PX,
  DIAGRAM_PX_MIN,
  HEAD_PX,
  IDLE_GAP_MS_MIN,
  INSTANT_BAR_PX,
  LABEL_GAP_PX,
  NODE_COLUMN_PX,
  OP_LABEL_DROP_PX,
  PX_PER_MS,
  REASON_LINE_PX,
  ROW_GAP_PX_MIN,
  TAIL_PX,
} from './limits.ts';
import { cut, describeOp } from './text.ts';
import type { Trace, TraceEvent } from './trace.ts';
import type { Violation } from './violations.ts';

export type Role = 'client' | 'node' | 'other';

export interface Column {
  readonly actor: string;
  readonly role: Role;
  /** Left edge of the column; the lifeline is LIFELINE_INSET_PX right of it and labels fill the rest. */
  readonly left: number;
  readonly width: number;
  readonly x: number;
}

export interface Row {
  readonly timeMs: number;
  readonly y: number;
  readonly events: ReadonlyArray<TraceEvent>;
  /** False when the previous row has the same time, so the axis prints the time once. */
  readonly newTime: boolean;
}

/** An idle gap drawn shorter than to scale. */
export interface Break {
  readonly top: number;
  readonly bottom: number;
  readonly gapMs: number;
}

export interface Bar {
  readonly op: RecordedOp;
  readonly x: number;
  readonly top: number;
  readonly bottom: number;
  /** An indeterminate operation: no response came, so the bar has no end. */
  readonly open: boolean;
  readonly label: string;
  /** Start of the label's baseline; the reasons follow one REASON_LINE_PX below the other. */
  readonly labelX: number;
  readonly labelY: number;
  readonly reasons: ReadonlyArray<string>;
}

/** Part of a node's lifeline while the node is down. */
export interface DownSpan {
  readonly actor: string;
  readonly top: number;
  readonly bottom: number;
}

export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly lifelineTop: number;
  readonly lifelineBottom: number;
  readonly columns: ReadonlyArray<Column>;
  readonly rows: ReadonlyArray<Row>;
  readonly breaks: ReadonlyArray<Break>;
  readonly bars: ReadonlyArray<Bar>;
  readonly downSpans: ReadonlyArray<DownSpan>;
  /** Y of every event of the trace. */
  readonly yOf: ReadonlyMap<TraceEvent, number>;
  readonly columnOf: (actor: string) => Column;
}

/** Distance from a column's left edge to its lifeline, in pixels. */
export const LIFELINE_INSET_PX = 24;

/** Distance from the bottom of a row's labels to the top of a break, in pixels. */
const BREAK_MARGIN_PX = 16;

const RIGHT_MARGIN_PX = 24;

const textWidth = (text: string): number => text.length * CHAR_WIDTH_PX;

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

interface Span {
  readonly from: number;
  readonly to: number;
}

const buildColumns = (trace: Trace, opLabels: ReadonlyMap<number, string>): Column[] => {
  const labelWidths = new Map<string, number>();
  for (const event of trace.events) {
    const width =
      event.kind === 'op-start' || event.kind === 'op-instant'
        ? textWidth(opLabels.get(event.op.id) ?? '')
        : event.kind === 'fault'
          ? textWidth(faultLabel(event))
          : 0;
    labelWidths.set(event.actor, Math.max(labelWidths.get(event.actor) ?? 0, width));
  }

  const columns: Column[] = [];
  let left = AXIS_PX;
  const add = (actor: string, role: Role): void => {
    const needed = LIFELINE_INSET_PX + CRASH_MARK_PX + LABEL_GAP_PX + (labelWidths.get(actor) ?? 0) + LABEL_GAP_PX;
    const width = role === 'client' ? clamp(needed, CLIENT_COLUMN_PX_MIN, CLIENT_COLUMN_PX_MAX) : Math.max(NODE_COLUMN_PX, needed);
    columns.push({ actor, role, left, width, x: left + LIFELINE_INSET_PX });
    left += width;
  };
  trace.clients.forEach((actor) => add(actor, 'client'));
  trace.nodes.forEach((actor) => add(actor, 'node'));
  trace.others.forEach((actor) => add(actor, 'other'));
  return columns;
};

/** Horizontal extent an event draws over at its row, or `null` for an event without a label. */
const spanOf = (event: TraceEvent, columnOf: (actor: string) => Column, opLabels: ReadonlyMap<number, string>, width: number): Span | null => {
  switch (event.kind) {
    case 'op-start':
    case 'op-instant': {
      const x = columnOf(event.actor).x;
      return { from: x - BAR_PX, to: x + BAR_PX + LABEL_GAP_PX + textWidth(opLabels.get(event.op.id) ?? '') };
    }
    case 'op-end':
      return null;
    case 'message': {
      const from = columnOf(event.message.from).x;
      const to = columnOf(event.message.to).x;
      return { from: Math.min(from, to), to: Math.max(from, to) };
    }
    case 'fault': {
      if (event.node === null) {
        return { from: 0, to: width };
      }
      const node = columnOf(event.node).x;
      const from = event.client === null ? node : Math.min(node, columnOf(event.client).x);
      return { from: from - BAR_PX, to: node + CRASH_MARK_PX + LABEL_GAP_PX + textWidth(faultLabel(event)) };
    }
    case 'final-phase':
      return { from: 0, to: width };
  }
};

/** Returns whether two events of one time may share a row despite overlapping: an operation's start and its own request can, because the label goes below the arrow. */
const sharesRow = (a: TraceEvent, b: TraceEvent): boolean => {
  const request = (op: TraceEvent, message: TraceEvent): boolean =>
    (op.kind === 'op-start' || op.kind === 'op-instant') &&
    message.kind === 'message' &&
    op.op.requestId !== null &&
    message.message.requestId === op.op.requestId &&
    message.message.from === op.actor;
  return request(a, b) || request(b, a);
};

interface RowDraft {
  readonly timeMs: number;
  readonly items: Array<{ readonly event: TraceEvent; readonly span: Span | null }>;
  reasonLines: number;
}

const assignRows = (
  trace: Trace,
  spanFor: (event: TraceEvent) => Span | null,
  reasonsOf: (op: RecordedOp) => ReadonlyArray<string>,
): RowDraft[] => {
  const drafts: RowDraft[] = [];
  for (const event of trace.events) {
    const span = spanFor(event);
    const current = drafts[drafts.length - 1];
    const fits =
      current !== undefined &&
      current.timeMs === event.timeMs &&
      current.items.every(
        (item) => span === null || item.span === null || span.to < item.span.from || item.span.to < span.from || sharesRow(item.event, event),
      );
    const row = fits ? current : { timeMs: event.timeMs, items: [], reasonLines: 0 };
    if (!fits) {
      drafts.push(row);
    }
    row.items.push({ event, span });
    if (event.kind === 'op-start' || event.kind === 'op-instant') {
      row.reasonLines = Math.max(row.reasonLines, reasonsOf(event.op).length);
    }
  }
  return drafts;
};

/** Computes the geometry of the diagram of a trace; `violations` maps operation ids to their violations. */
export const layoutDiagram = (trace: Trace, violations: ReadonlyMap<number, ReadonlyArray<Violation>>): Layout => {
  const opLabels = new Map<number, string>();
  for (const event of trace.events) {
    if (event.kind === 'op-start' || event.kind === 'op-instant') {
      opLabels.set(event.op.id, describeOp(event.op, DIAGRAM_DETAIL));
    }
  }
  const columns = buildColumns(trace, opLabels);
  const byActor = new Map(columns.map((column) => [column.actor, column]));
  const columnOf = (actor: string): Column => {
    const column = byActor.get(actor);
    if (column === undefined) {
      throw new Error(`trace event names actor ${JSON.stringify(actor)}, which has no lifeline`);
    }
    return column;
  };
  const lastColumn = columns[columns.length - 1];
  const width = Math.max(DIAGRAM_PX_MIN, (lastColumn === undefined ? AXIS_PX : lastColumn.left + lastColumn.width) + RIGHT_MARGIN_PX);

  // Labels of a client's operations are cut to its column, so they never run into the next lifeline's labels.
  const labelOf = (op: RecordedOp): string => {
    const column = columnOf(`c${op.client}`);
    const charsMax = Math.floor((column.width - LIFELINE_INSET_PX - BAR_PX / 2 - 2 * LABEL_GAP_PX) / CHAR_WIDTH_PX);
    return cut(opLabels.get(op.id) ?? '', charsMax);
  };
  // Reasons may run past the client's column, over the lifelines to its right, up to the diagram's edge.
  const reasonsOf = (op: RecordedOp): ReadonlyArray<string> => {
    const textX = columnOf(`c${op.client}`).x + BAR_PX / 2 + LABEL_GAP_PX;
    return reasonLines(violations.get(op.id) ?? [], Math.floor((width - RIGHT_MARGIN_PX - textX) / CHAR_WIDTH_PX));
  };

  const drafts = assignRows(trace, (event) => spanOf(event, columnOf, opLabels, width), reasonsOf);

  const lifelineTop = HEAD_PX;
  const rows: Row[] = [];
  const breaks: Break[] = [];
  const yOf = new Map<TraceEvent, number>();
  let y = HEAD_PX + ROW_GAP_PX_MIN;
  drafts.forEach((draft, index) => {
    const previous = drafts[index - 1];
    if (previous !== undefined) {
      const gapMs = draft.timeMs - previous.timeMs;
      const labelsBelow = previous.reasonLines * REASON_LINE_PX;
      if (gapMs > IDLE_GAP_MS_MIN) {
        const top = y + labelsBelow + BREAK_MARGIN_PX;
        breaks.push({ top, bottom: top + BREAK_PX, gapMs });
        y = top + BREAK_PX + BREAK_MARGIN_PX;
      } else {
        y += Math.max(ROW_GAP_PX_MIN + labelsBelow, gapMs * PX_PER_MS);
      }
    }
    rows.push({ timeMs: draft.timeMs, y, events: draft.items.map((item) => item.event), newTime: previous?.timeMs !== draft.timeMs });
    draft.items.forEach((item) => yOf.set(item.event, y));
  });
  const lastDraft = drafts[drafts.length - 1];
  const lifelineBottom = y + (lastDraft?.reasonLines ?? 0) * REASON_LINE_PX + TAIL_PX;

  const bars = buildBars(trace, yOf, columnOf, lifelineBottom, labelOf, reasonsOf);
  const downSpans = buildDownSpans(trace, yOf, lifelineBottom);
  return { width, height: lifelineBottom + ARROW_DROP_PX, lifelineTop, lifelineBottom, columns, rows, breaks, bars, downSpans, yOf, columnOf };
};

const buildBars = (
  trace: Trace,
  yOf: ReadonlyMap<TraceEvent, number>,
  columnOf: (actor: string) => Column,
  lifelineBottom: number,
  labelOf: (op: RecordedOp) => string,
  reasonsOf: (op: RecordedOp) => ReadonlyArray<string>,
): Bar[] => {
  const ends = new Map<number, number>();
  for (const event of trace.events) {
    if (event.kind === 'op-end') {
      ends.set(event.op.id, yOf.get(event) ?? lifelineBottom);
    }
  }
  const bars: Bar[] = [];
  trace.events.forEach((event, index) => {
    if (event.kind !== 'op-start' && event.kind !== 'op-instant') {
      return;
    }
    const x = columnOf(event.actor).x;
    const y = yOf.get(event) ?? lifelineBottom;
    const common = {
      op: event.op,
      x,
      label: labelOf(event.op),
      labelX: x + BAR_PX / 2 + LABEL_GAP_PX,
      labelY: y + OP_LABEL_DROP_PX,
      reasons: reasonsOf(event.op),
    };
    if (event.kind === 'op-instant') {
      // Below the row line, clear of the bar of the client's previous operation, which may end on the same row.
      bars.push({ ...common, top: y + 1, bottom: y + 1 + INSTANT_BAR_PX, open: false });
      return;
    }
    const end = ends.get(event.op.id);
    if (end !== undefined) {
      bars.push({ ...common, top: y, bottom: end, open: false });
      return;
    }
    // An indeterminate operation stays open until its client starts the next one, or until the
    // final phase, which starts only after every client has given up on its last request.
    const next = trace.events
      .slice(index + 1)
      .find((later) => later.kind === 'final-phase' || (later.actor === event.actor && (later.kind === 'op-start' || later.kind === 'op-instant')));
    bars.push({ ...common, top: y, bottom: next === undefined ? lifelineBottom : (yOf.get(next) ?? lifelineBottom), open: true });
  });
  return bars;
};

const buildDownSpans = (trace: Trace, yOf: ReadonlyMap<TraceEvent, number>, lifelineBottom: number): DownSpan[] => {
  const spans: DownSpan[] = [];
  const downSince = new Map<string, number>();
  const bringUp = (actor: string, y: number): void => {
    const top = downSince.get(actor);
    if (top !== undefined) {
      spans.push({ actor, top, bottom: y });
      downSince.delete(actor);
    }
  };
  for (const event of trace.events) {
    const y = yOf.get(event) ?? lifelineBottom;
    if (event.kind === 'final-phase') {
      [...downSince.keys()].forEach((actor) => bringUp(actor, y));
    }
    if (event.kind !== 'fault' || !event.fault.applied || event.node === null) {
      continue;
    }
    if (event.fault.fault.kind === 'crash' && !downSince.has(event.node)) {
      downSince.set(event.node, y);
    } else if (event.fault.fault.kind === 'restart') {
      bringUp(event.node, y);
    }
  }
  [...downSince.keys()].forEach((actor) => bringUp(actor, lifelineBottom));
  return spans;
};
