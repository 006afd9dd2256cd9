/** SVG for the events of the diagram: operation bars, messages, faults and the final phase. */
import { describeEvent, faultLabel, FINAL_PHASE_TEXT, TABLE_DETAIL } from './labels.ts';
import type { Bar, Layout } from './layout.ts';
import { ARROW_DROP_PX, AXIS_PX, BAR_PX, CRASH_MARK_PX, LABEL_GAP_PX, REASON_LINE_PX } from './limits.ts';
import { describeOp } from './text.ts';
import { element, label, line, tooltip } from './svg.ts';
import type { TraceEvent } from './trace.ts';



/** Baseline of the label under a line across the whole diagram. */
const BANNER_DROP_PX = 14;

const outcomeClass = (bar: Bar): string => {
  const kind = bar.op.outcome.kind;
  return bar.reasons.length > 0 ? `bar ${kind} violating` : `bar ${kind}`;
};

/**
 * Each event draws in two layers: shapes first, then text over every shape, so that no arrow or
 * lifeline crosses a label.
 */
export interface Drawing {
  readonly shape: string;
  readonly text: string;
}

/** Draws the bar of an operation on its client's lifeline, with its label and, when it violates a check, the reasons. */
export const renderBar = (bar: Bar): Drawing => {
  const left = bar.x - BAR_PX / 2;
  const top = bar.top + 1;
  const bottom = Math.max(top + 2, bar.bottom - 1);
  const shape = bar.open
    ? element('path', { d: `M${left},${bottom} V${top} H${left + BAR_PX} V${bottom}`, class: `${outcomeClass(bar)} open` })
    : element('rect', { x: left, y: top, width: BAR_PX, height: bottom - top, class: outcomeClass(bar) });
  const reasons = bar.reasons.map((reason, index) => label(bar.labelX, bar.labelY + (index + 1) * REASON_LINE_PX, reason, { class: 'halo reason' }));
  const attributes = { class: bar.reasons.length > 0 ? 'op violating' : 'op', 'data-op': bar.op.id };
  const title = tooltip(describeOp(bar.op, TABLE_DETAIL));
  return {
    shape: element('g', attributes, [title, shape]),
    text: element('g', attributes, [title, label(bar.labelX, bar.labelY, bar.label, { class: 'halo op-label' }), ...reasons]),
  };
};

/** Draws a message as an arrow from its sender at its send time, dropping ARROW_DROP_PX towards its receiver. */
export const renderMessage = (event: Extract<TraceEvent, { kind: 'message' }>, layout: Layout, y: number, violating: boolean): Drawing => {
  const from = layout.columnOf(event.message.from).x;
  const to = layout.columnOf(event.message.to).x;
  const direction = Math.sign(to - from);
  const startX = from + (direction * BAR_PX) / 2;
  const endX = to - (direction * BAR_PX) / 2;
  const middle = (startX + endX) / 2;
  const className = violating ? 'message violating' : 'message';
  const title = tooltip(describeEvent(event));
  return {
    shape: element('g', { class: className }, [
      title,
      line(startX, y, endX, y + ARROW_DROP_PX, { 'marker-end': violating ? 'url(#arrow-red)' : 'url(#arrow)' }),
    ]),
    text: element('g', { class: className }, [
      title,
      label(middle, y + ARROW_DROP_PX / 2 - 4, event.message.requestId ?? 'no id', { class: 'halo message-label', 'text-anchor': 'middle' }),
    ]),
  };
};

const crashMark = (x: number, y: number): string =>
  element('path', {
    d: `M${x - CRASH_MARK_PX},${y - CRASH_MARK_PX} L${x + CRASH_MARK_PX},${y + CRASH_MARK_PX} M${x - CRASH_MARK_PX},${y + CRASH_MARK_PX} L${x + CRASH_MARK_PX},${y - CRASH_MARK_PX}`,
    class: 'crash-mark',
  });

/** Draws a fault: a red X for a crash, a green ring for a restart, a dashed line for a partition or a heal. */
export const renderFault = (event: Extract<TraceEvent, { kind: 'fault' }>, layout: Layout, y: number): Drawing => {
  const fault = event.fault.fault;
  const attributes = { class: event.fault.applied ? `fault ${fault.kind}` : 'fault not-applied', 'data-fault': fault.kind };
  const title = tooltip(describeEvent(event));
  const text = faultLabel(event);
  if (event.node === null) {
    return {
      shape: element('g', attributes, [title, line(AXIS_PX, y, layout.width, y, { class: 'heal-line' })]),
      text: element('g', attributes, [title, label(AXIS_PX + 4, y + BANNER_DROP_PX, text, { class: 'halo fault-label' })]),
    };
  }
  const x = layout.columnOf(event.node).x;
  return {
    shape: element('g', attributes, [title, faultMark(event, layout, x, y)]),
    text: element('g', attributes, [title, label(x + CRASH_MARK_PX + LABEL_GAP_PX, y + 4, text, { class: 'halo fault-label' })]),
  };
};

const faultMark = (event: Extract<TraceEvent, { kind: 'fault' }>, layout: Layout, x: number, y: number): string => {
  const kind = event.fault.fault.kind;
  if (kind === 'partition') {
    const clientX = event.client === null ? x : layout.columnOf(event.client).x;
    return line(clientX, y, x, y, { class: event.fault.applied ? 'partition-line' : 'partition-line skipped' });
  }
  if (event.fault.applied && kind === 'crash') {
    return crashMark(x, y);
  }
  if (event.fault.applied && kind === 'restart') {
    return element('circle', { cx: x, cy: y, r: 6, class: 'restart-mark' });
  }
  if (event.fault.applied && kind === 'pause') {
    return pauseMark(x, y);
  }
  if (event.fault.applied && kind === 'resume') {
    return resumeMark(x, y);
  }
  if (event.fault.applied && kind === 'disconnect') {
    const clientX = event.client === null ? x : layout.columnOf(event.client).x;
    return line(clientX, y, x, y, { class: 'disconnect-line' });
  }
  return element('circle', { cx: x, cy: y, r: 4, class: 'skipped-mark' });
};

/** Draws the line across the diagram where the recorder heals everything and starts the final reads. */
export const renderFinalPhase = (layout: Layout, y: number): Drawing => ({
  shape: line(AXIS_PX, y, layout.width, y, { class: 'final-line' }),
  text: label(AXIS_PX + 4, y + BANNER_DROP_PX, FINAL_PHASE_TEXT, { class: 'halo final-label' }),
});

/** Two upright bars on a lifeline: the node was stopped with SIGSTOP. */
export const pauseMark = (x: number, y: number): string =>
  element('g', { class: 'pause-mark' }, [
    element('rect', { x: x - 6, y: y - 6, width: 4, height: 12 }),
    element('rect', { x: x + 2, y: y - 6, width: 4, height: 12 }),
  ]);

/** A right-pointing triangle on a lifeline: the node runs again after SIGCONT. */
export const resumeMark = (x: number, y: number): string =>
  element('path', { d: `M${x - 5},${y - 6} L${x + 6},${y} L${x - 5},${y + 6} Z`, class: 'resume-mark' });
