/**
 * The SVG sequence diagram of a trace: lifeline heads in their own SVG, so the page can keep them
 * in view while the reader scrolls, and the body with time axis, lifelines, events and breaks.
 */
import { renderBar, renderFault, renderFinalPhase, renderMessage, type Drawing } from './diagram-events.ts';
import type { Layout } from './layout.ts';
import { AXIS_PX, HEAD_PX } from './limits.ts';
import { element, label, line, textElement, tooltip } from './svg.ts';
import type { Trace } from './trace.ts';

const HEAD_BOX_PX = { width: 60, height: 26 } as const;

const ARROW_MARKERS = element('defs', {}, [
  element('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, [
    element('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow-head' }),
  ]),
  element('marker', { id: 'arrow-red', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, [
    element('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow-head violating' }),
  ]),
]);

/** Milliseconds with two decimals: simulated delays are often below one millisecond. */
export const formatMs = (ms: number): string => `${ms.toFixed(2)} ms`;

/** The heads of the lifelines: one box per client and node, with the time axis title. */
export const renderHeads = (layout: Layout): string =>
  element('svg', { xmlns: 'http://www.w3.org/2000/svg', class: 'heads', width: layout.width, height: HEAD_PX, viewBox: `0 0 ${layout.width} ${HEAD_PX}` }, [
    label(AXIS_PX - 10, HEAD_PX / 2 + 4, 'time', { class: 'axis-title', 'text-anchor': 'end' }),
    ...layout.columns.map((column) =>
      element('g', { class: `head ${column.role}`, 'data-actor': column.actor }, [
        element('rect', { x: column.x - HEAD_BOX_PX.width / 2, y: (HEAD_PX - HEAD_BOX_PX.height) / 2, width: HEAD_BOX_PX.width, height: HEAD_BOX_PX.height, rx: 4 }),
        label(column.x, HEAD_PX / 2 + 4, column.actor, { 'text-anchor': 'middle' }),
      ]),
    ),
  ]);

const renderLifelines = (layout: Layout): string[] => [
  ...layout.columns.map((column) =>
    line(column.x, layout.lifelineTop, column.x, layout.lifelineBottom, { class: `lifeline ${column.role}`, 'data-actor': column.actor }),
  ),
  ...layout.downSpans.map((span) => {
    const x = layout.columnOf(span.actor).x;
    return element('g', { class: 'down', 'data-actor': span.actor }, [
      line(x, span.top, x, span.bottom, { class: 'down-gap' }),
      line(x, span.top, x, span.bottom, { class: 'down-line' }),
    ]);
  }),
];

const renderAxis = (layout: Layout): string[] =>
  layout.rows.flatMap((row) =>
    row.newTime
      ? [line(AXIS_PX, row.y, layout.width, row.y, { class: 'grid' }), label(AXIS_PX - 10, row.y + 4, formatMs(row.timeMs), { class: 'axis-label', 'text-anchor': 'end' })]
      : [],
  );

/** Draws one edge of a break: a zigzag line from the time axis to the right edge. */
const zigzag = (y: number, width: number): string => {
  const step = 8;
  const points: string[] = [];
  for (let x = AXIS_PX, up = true; x <= width; x += step, up = !up) {
    points.push(`${x},${y + (up ? -3 : 3)}`);
  }
  return element('polyline', { points: points.join(' '), class: 'break-edge' });
};

const renderBreaks = (layout: Layout): string[] =>
  layout.breaks.map((gap) =>
    element('g', { class: 'break' }, [
      element('rect', { x: 0, y: gap.top, width: layout.width, height: gap.bottom - gap.top, class: 'break-band' }),
      tooltip(`${Math.round(gap.gapMs)} ms without events, not drawn to scale`),
      zigzag(gap.top, layout.width),
      zigzag(gap.bottom, layout.width),
      label(AXIS_PX - 10, (gap.top + gap.bottom) / 2 + 4, `+${Math.round(gap.gapMs)} ms`, { class: 'break-label', 'text-anchor': 'end' }),
    ]),
  );

const renderEvents = (trace: Trace, layout: Layout, violatingRequests: ReadonlySet<string>): Drawing[] => {
  const drawings: Drawing[] = layout.bars.map(renderBar);
  for (const event of trace.events) {
    const y = layout.yOf.get(event);
    if (y === undefined) {
      continue;
    }
    if (event.kind === 'message') {
      drawings.push(renderMessage(event, layout, y, event.message.requestId !== null && violatingRequests.has(event.message.requestId)));
    } else if (event.kind === 'fault') {
      drawings.push(renderFault(event, layout, y));
    } else if (event.kind === 'final-phase') {
      drawings.push(renderFinalPhase(layout, y));
    }
  }
  return drawings;
};

/**
 * Draws the body of the diagram. `violatingRequests` contains the request ids of the violating
 * operations, whose messages are drawn in red.
 */
export const renderDiagramBody = (trace: Trace, layout: Layout, violatingRequests: ReadonlySet<string>): string => {
  const drawings = renderEvents(trace, layout, violatingRequests);
  const height = Math.ceil(layout.height - HEAD_PX);
  return element(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      class: 'diagram',
      role: 'img',
      'aria-label': 'sequence diagram of the history',
      width: layout.width,
      height,
      viewBox: `0 ${HEAD_PX} ${layout.width} ${height}`,
    },
    [
      textElement('title', {}, 'Sequence diagram of the shrunk history'),
      ARROW_MARKERS,
      element('g', { class: 'layer-axis' }, renderAxis(layout)),
      element('g', { class: 'layer-lifelines' }, renderLifelines(layout)),
      element('g', { class: 'layer-shapes' }, drawings.map((drawing) => drawing.shape)),
      element('g', { class: 'layer-breaks' }, renderBreaks(layout)),
      element('g', { class: 'layer-text' }, drawings.map((drawing) => drawing.text)),
    ],
  );
};
