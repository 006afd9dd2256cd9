/** The legend of the diagram: one small drawing per mark, with what it means. */
import { escapeHtml } from './escape.ts';
import { pauseMark, resumeMark } from './diagram-events.ts';
import { element, line } from './svg.ts';

const ICON_PX = { width: 44, height: 22 } as const;

const icon = (children: ReadonlyArray<string>): string =>
  element('svg', { xmlns: 'http://www.w3.org/2000/svg', width: ICON_PX.width, height: ICON_PX.height, viewBox: `0 0 ${ICON_PX.width} ${ICON_PX.height}` }, children);

const bar = (className: string): string => icon([line(22, 0, 22, 22, { class: 'lifeline' }), element('rect', { x: 17, y: 3, width: 10, height: 16, class: className })]);

const ENTRIES: ReadonlyArray<readonly [string, string]> = [
  [bar('bar ok'), 'operation from start to response, on its client: ok'],
  [bar('bar refused'), 'operation refused by the owner'],
  [
    icon([line(22, 0, 22, 22, { class: 'lifeline' }), element('path', { d: 'M17,22 V3 H27 V22', class: 'bar indeterminate open' })]),
    'indeterminate operation: no response before the deadline, so the bar stays open',
  ],
  [bar('bar invalid'), 'operation rejected as invalid input'],
  [bar('bar ok violating'), 'operation that violates a check, with the reason in red under its label'],
  [
    icon([element('g', { class: 'message' }, [line(4, 8, 40, 14, { 'marker-end': 'url(#arrow)' })])]),
    'message, drawn at its send time and labelled with its request id',
  ],
  [
    icon([element('g', { class: 'message violating' }, [line(4, 8, 40, 14, { 'marker-end': 'url(#arrow-red)' })])]),
    'message of a violating operation',
  ],
  [
    icon([line(22, 0, 22, 22, { class: 'lifeline' }), element('path', { d: 'M15,4 L29,18 M15,18 L29,4', class: 'crash-mark' })]),
    'crash of a node',
  ],
  [icon([line(22, 0, 22, 22, { class: 'down-line' })]), 'node down, from its crash to its restart'],
  [icon([line(22, 0, 22, 22, { class: 'lifeline' }), element('circle', { cx: 22, cy: 11, r: 6, class: 'restart-mark' })]), 'restart of a node'],
  [icon([line(22, 0, 22, 22, { class: 'lifeline' }), pauseMark(22, 11)]), 'pause of a node process (SIGSTOP)'],
  [icon([line(22, 0, 22, 22, { class: 'lifeline' }), resumeMark(22, 11)]), 'resume of a paused node process (SIGCONT)'],
  [icon([line(2, 11, 42, 11, { class: 'disconnect-line' })]), "a client's TCP connections to a node closed"],
  [icon([line(2, 11, 42, 11, { class: 'partition-line' })]), 'partition between a client and a node'],
  [icon([line(2, 11, 42, 11, { class: 'heal-line' })]), 'heal of every partition'],
  [icon([element('circle', { cx: 22, cy: 11, r: 4, class: 'skipped-mark' })]), 'scheduled fault that was not applied'],
  [icon([line(2, 11, 42, 11, { class: 'final-line' })]), 'start of the final reads, after every fault is healed'],
  [
    icon([element('polyline', { points: '0,6 8,12 16,6 24,12 32,6 40,12', class: 'break-edge' })]),
    'idle gap drawn shorter than to scale; the time axis gives its length',
  ],
];

export const renderLegend = (): string =>
  `<ul class="legend">${ENTRIES.map(([drawing, meaning]) => `<li>${drawing}<span>${escapeHtml(meaning)}</span></li>`).join('')}</ul>`;
