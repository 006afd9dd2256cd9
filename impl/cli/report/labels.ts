/**
 * Text of each trace event: short labels for the diagram and complete lines for the trace table
 * and the diagram's tooltips. The text is unescaped.
 */
import type { RecordedFault } from '../../../properties/distributed/run.ts';
import { DIAGRAM_VALUE_CHARS_MAX, REASON_LINES_MAX, TABLE_VALUE_CHARS_MAX } from './limits.ts';
import { cut, describeInput, describeOp, describeOutcome, wrap, type Detail } from './text.ts';
import type { TraceEvent } from './trace.ts';
import type { Violation } from './violations.ts';

export const DIAGRAM_DETAIL: Detail = { valueCharsMax: DIAGRAM_VALUE_CHARS_MAX, full: false };

export const TABLE_DETAIL: Detail = { valueCharsMax: TABLE_VALUE_CHARS_MAX, full: true };

const faultText = (event: Extract<TraceEvent, { kind: 'fault' }>): string => {
  const fault = event.fault.fault;
  switch (fault.kind) {
    case 'crash':
      return `crash ${event.node ?? '?'}${fault.torn ? ' (torn log tail)' : ''}`;
    case 'restart':
      return `restart ${event.node ?? '?'}`;
    case 'partition':
      return fault.oneWay
        ? `partition ${event.client ?? '?'} -> ${event.node ?? '?'} (requests only)`
        : `partition ${event.client ?? '?'} <-> ${event.node ?? '?'}`;
    case 'heal':
      return 'heal every partition';
    case 'pause':
      return `pause ${event.node ?? '?'} (SIGSTOP)`;
    case 'resume':
      return `resume ${event.node ?? '?'} (SIGCONT)`;
    case 'disconnect':
      return `disconnect ${event.client ?? '?'} from ${event.node ?? '?'}`;
  }
};

/** Why a scheduled fault did nothing: the recorder skips faults that change nothing or come after the streams. */
const notAppliedText = (fault: RecordedFault): string => {
  switch (fault.fault.kind) {
    case 'crash':
      return 'not applied: the node was already down, or the client streams had ended';
    case 'restart':
      return 'not applied: the node was up, or the client streams had ended';
    case 'pause':
      return 'not applied: the node was down or paused, or the client streams had ended';
    case 'resume':
      return 'not applied: the node was not paused, or the client streams had ended';
    default:
      return 'not applied: the client streams had ended';
  }
};

/** The label of a fault in the diagram, for example `crash n0`. */
export const faultLabel = (event: Extract<TraceEvent, { kind: 'fault' }>): string =>
  event.fault.applied ? faultText(event) : `${faultText(event)} (not applied)`;

export const FINAL_PHASE_TEXT = 'final reads: every partition healed, every node restarted, drop and duplication off';

/** Describes an event in one complete line for the trace table, for example `#3 read cap(n0/0#0@0{read}) -> ok ""`. */
export const describeEvent = (event: TraceEvent): string => {
  switch (event.kind) {
    case 'op-start': {
      const request = event.op.requestId === null ? '' : `, request ${event.op.requestId}`;
      const pending = event.op.endMs === null ? `; no response: ${describeOutcome(event.op, TABLE_DETAIL)}` : '';
      return `#${event.op.id} ${event.op.final ? 'final ' : ''}${describeInput(event.op, TABLE_DETAIL)} starts${request}${pending}`;
    }
    case 'op-end':
      return `#${event.op.id} ${event.op.kind} returns ${describeOutcome(event.op, TABLE_DETAIL)}`;
    case 'op-instant':
      return describeOp(event.op, TABLE_DETAIL);
    case 'message':
      return `${event.message.from} -> ${event.message.to}, ${event.message.requestId === null ? 'no request id' : `request ${event.message.requestId}`}`;
    case 'fault':
      return event.fault.applied ? faultText(event) : `${faultText(event)} (${notAppliedText(event.fault)})`;
    case 'final-phase':
      return FINAL_PHASE_TEXT;
  }
};

/**
 * Lists the lines of violation reason drawn under an operation's label: one reason per check, wrapped
 * at `charsMax`, at most REASON_LINES_MAX lines in all, the last one cut with an ellipsis when
 * more text remains. Repeated violations of one check show once with a count.
 */
export const reasonLines = (violations: ReadonlyArray<Violation>, charsMax: number): ReadonlyArray<string> => {
  const byCheck = new Map<string, Violation[]>();
  for (const violation of violations) {
    byCheck.set(violation.check, [...(byCheck.get(violation.check) ?? []), violation]);
  }
  const lines = [...byCheck].flatMap(([check, list]) => {
    const times = list.length > 1 ? ` (${list.length} times)` : '';
    return wrap(`! ${check}${times}: ${list[0]?.summary ?? ''}`, charsMax);
  });
  if (lines.length <= REASON_LINES_MAX) {
    return lines;
  }
  const kept = lines.slice(0, REASON_LINES_MAX);
  const last = kept.length - 1;
  kept[last] = cut(`${kept[last] ?? ''} …`, charsMax);
  return kept;
};
