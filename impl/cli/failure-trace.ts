/** Prints a recorded run as a readable trace, one line per event in time order. */
import type { RunVerdict } from '../../properties/distributed/check.ts';
import type { RecordedOp, RecordedRun } from '../../properties/distributed/run.ts';
import { formatCapability, formatRevoker, type Input } from '../../model/index.ts';

const time = (ms: number): string => `${ms.toFixed(1).padStart(9, ' ')} ms`;

/** Longest value printed in full; longer ones show their start and their length. */
const VALUE_SHOWN_MAX = 40;

export const showValue = (value: string): string =>
  value.length <= VALUE_SHOWN_MAX
    ? JSON.stringify(value)
    : `${JSON.stringify(value.slice(0, VALUE_SHOWN_MAX - 8))}... (${value.length} characters)`;

const describeInput = (input: Input): string => {
  switch (input.op) {
    case 'create':
      return `create on ${input.node} value ${showValue(input.value)}`;
    case 'attenuate':
      return `attenuate ${formatCapability(input.cap)} to {${input.rights.join(',')}}`;
    case 'derive':
      return `derive {${input.rights.join(',')}} from ${formatCapability(input.cap)}`;
    case 'revoke':
      return `revoke ${formatRevoker(input.revoker)}`;
    case 'invoke':
      return input.action.kind === 'read'
        ? `read with ${formatCapability(input.cap)}`
        : `write ${showValue(input.action.value)} with ${formatCapability(input.cap)}`;
    case 'crash':
    case 'restart':
      return `${input.op} ${input.node}`;
  }
};

export const describeOutcome = (op: RecordedOp): string => {
  const outcome = op.outcome;
  switch (outcome.kind) {
    case 'ok': {
      const output = op.output;
      if (output?.op === 'invoke') {
        return output.result.kind === 'read' ? `ok, value ${showValue(output.result.value)}` : 'ok';
      }
      if (output?.op === 'create') {
        return `ok, ${output.object}`;
      }
      if (output?.op === 'derive' || output?.op === 'attenuate') {
        return `ok, ${formatCapability(output.cap)}`;
      }
      return 'ok';
    }
    case 'refused': {
      const { _tag, ...fields } = outcome.refusal;
      return `refused ${_tag} ${JSON.stringify(fields)}`;
    }
    case 'indeterminate':
      return `indeterminate (${outcome.reason})`;
    case 'invalid':
      return `invalid (${outcome.message})`;
  }
};

/** Ids of the operations a verdict blames. */
export const blamedOps = (verdict: RunVerdict): ReadonlySet<number> => {
  const ids = new Set<number>();
  for (const objectVerdict of verdict.linearizability.objects.values()) {
    if (objectVerdict.verdict === 'violation' && objectVerdict.mismatch !== null) {
      ids.add(objectVerdict.mismatch.op);
    }
  }
  for (const violation of [...verdict.direct, ...verdict.local]) {
    if (violation.op !== null) {
      ids.add(violation.op);
    }
  }
  return ids;
};

export const formatFailureTrace = (run: RecordedRun, verdict: RunVerdict): string => {
  const blamed = blamedOps(verdict);
  const events: Array<{ readonly at: number; readonly order: number; readonly line: string }> = [];
  for (const op of run.ops) {
    const mark = blamed.has(op.id) ? '  <-- violation' : '';
    const label = `op ${op.id}${op.final ? ' (final read)' : ''}`;
    // At equal times an operation's end comes before the next start, as the client saw them.
    events.push({ at: op.startMs, order: 2, line: `${time(op.startMs)}  c${op.client}  ${label} start: ${describeInput(op.input)}` });
    const ending = op.endMs === null ? 'gave up' : 'end';
    events.push({ at: op.returnedMs, order: 0, line: `${time(op.returnedMs)}  c${op.client}  ${label} ${ending}: ${describeOutcome(op)}${mark}` });
  }
  for (const fault of run.faults) {
    const at = run.startMs + fault.atMs;
    events.push({ at, order: 1, line: `${time(at)}  fault  ${fault.description}${fault.applied ? '' : ' (not applied)'}` });
  }
  for (const message of run.messages) {
    const request = message.requestId === null ? '' : ` ${message.requestId}`;
    events.push({ at: message.timeMs, order: 1, line: `${time(message.timeMs)}  net    ${message.from} -> ${message.to}${request}` });
  }
  events.push({
    at: run.finalPhaseMs,
    order: 1,
    line: `${time(run.finalPhaseMs)}  final  streams done: heal every partition, stop drops and duplicates, restart every node, read every object`,
  });
  events.sort((a, b) => a.at - b.at || a.order - b.order);

  const reasons = [
    ...[...verdict.linearizability.objects.entries()].flatMap(([object, objectVerdict]) =>
      objectVerdict.verdict === 'violation' ? [`linearizability of ${object}: ${objectVerdict.reason}`] : [],
    ),
    ...verdict.direct.map((violation) => `${violation.check}: ${violation.message}`),
    ...verdict.local.map((violation) => `op ${violation.op}: ${violation.message}`),
  ];
  const rates = run.history.rates;
  return [
    `nodes: ${run.nodes.join(', ')}; clients: ${run.history.clientCount}; drop rate ${rates.dropRate}, duplicate rate ${rates.duplicateRate}, delay up to ${rates.delayMsMax} ms`,
    ...events.map((event) => event.line),
    '',
    'violated:',
    ...reasons.map((reason) => `  ${reason}`),
  ].join('\n');
};
