/** The trace as an HTML table: one line per event, in the order of the diagram. */
import { formatMs } from './diagram.ts';
import { escapeHtml } from './escape.ts';
import { describeEvent } from './labels.ts';
import type { Trace, TraceEvent } from './trace.ts';
import type { Violation } from './violations.ts';

const opOf = (event: TraceEvent): number | null =>
  event.kind === 'op-start' || event.kind === 'op-end' || event.kind === 'op-instant' ? event.op.id : null;

/** A partition acts on a client and a node, so its row names both. */
const actorText = (event: TraceEvent): string =>
  event.kind === 'fault' && event.client !== null && event.node !== null ? `${event.client}, ${event.node}` : event.actor;

const renderRow = (event: TraceEvent, violations: ReadonlyMap<number, ReadonlyArray<Violation>>, violatingRequests: ReadonlySet<string>): string => {
  const op = opOf(event);
  const reasons = op === null ? [] : (violations.get(op) ?? []);
  const violating = reasons.length > 0 || (event.kind === 'message' && event.message.requestId !== null && violatingRequests.has(event.message.requestId));
  const anchor = op !== null && event.kind !== 'op-end' ? ` id="op-${op}"` : '';
  const shownReasons = event.kind === 'op-end' ? [] : reasons;
  const reasonText = shownReasons.map((violation) => `<div class="reason">${escapeHtml(`${violation.check}: ${violation.summary}`)}</div>`).join('');
  return (
    `<tr${anchor} class="${escapeHtml(event.kind)}${violating ? ' violating' : ''}">` +
    `<td class="time">${escapeHtml(formatMs(event.timeMs))}</td>` +
    `<td class="actor">${escapeHtml(actorText(event))}</td>` +
    `<td class="event">${escapeHtml(describeEvent(event))}${reasonText}</td>` +
    '</tr>'
  );
};

export const renderTable = (trace: Trace, violations: ReadonlyMap<number, ReadonlyArray<Violation>>, violatingRequests: ReadonlySet<string>): string =>
  [
    '<table class="trace">',
    '<thead><tr><th>time</th><th>actor</th><th>event</th></tr></thead>',
    '<tbody>',
    ...trace.events.map((event) => renderRow(event, violations, violatingRequests)),
    '</tbody>',
    '</table>',
  ].join('\n');
