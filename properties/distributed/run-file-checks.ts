/**
 * Checks of a recorded run file across fields, which the checker relies on and no single field's
 * codec can make: op ids in order, outcomes that match their inputs, times within the run,
 * messages between endpoints of the run.
 */
import { isDeepStrictEqual } from 'node:util';
import { ownerOf, type Input, type NodeId } from '../../model/index.ts';
import type { RunBody } from './run-file.ts';
import { show } from './run-file-kit.ts';
import { objectOfInput, type RecordedKind, type RecordedOp } from './run.ts';

/** Names an outcome kind with its article, as in `an "ok" outcome`. */
const outcomeName = (kind: string): string => `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${JSON.stringify(kind)} outcome`;

/** Returns the recorded kind of an input, or `null` for the node inputs, which no client records. */
const kindOfInput = (input: Input): RecordedKind | null => {
  switch (input.op) {
    case 'invoke':
      return input.action.kind;
    case 'crash':
    case 'restart':
      return null;
    default:
      return input.op;
  }
};

/** The span of the run that every recorded time lies in: from `startMs` to `endMs`. */
interface RunSpan {
  readonly startMs: number;
  readonly endMs: number;
}

/** Returns the problem of a time outside the run's span, or undefined. */
const outsideSpan = (span: RunSpan, field: string, timeMs: number): string | undefined =>
  timeMs >= span.startMs && timeMs <= span.endMs
    ? undefined
    : `${field}: expected a time within the run, from run.startMs (${span.startMs}) to run.endMs (${span.endMs}), got ${timeMs}`;

const checkOp = (op: RecordedOp, at: string, clientCount: number, span: RunSpan): string[] => {
  const problems: string[] = [];
  if (op.client >= clientCount) {
    problems.push(`${at}.client: expected a client below run.history.clientCount (${clientCount}), got ${op.client}`);
  }

  const kind = kindOfInput(op.input);
  if (kind === null) {
    problems.push(`${at}.input.op: expected an operation a client records, not ${JSON.stringify(op.input.op)}; record crashes and restarts in run.faults`);
  } else if (kind !== op.kind) {
    problems.push(`${at}.kind: expected ${JSON.stringify(kind)} for this input, got ${JSON.stringify(op.kind)}`);
  }

  if (op.outcome.kind === 'ok') {
    if (op.output === null) {
      problems.push(`${at}.output: expected the model's output for an ok outcome, got null`);
    } else if (op.output.op !== op.input.op) {
      problems.push(`${at}.output.op: expected ${JSON.stringify(op.input.op)}, the op of the input, got ${JSON.stringify(op.output.op)}`);
    } else if (op.output.op === 'invoke' && !isDeepStrictEqual(op.output.result, op.outcome.value)) {
      // The checker reads the output, so an invoke's two copies of its result must agree.
      problems.push(`${at}.output.result: expected ${show(op.outcome.value)}, the value of the outcome, got ${show(op.output.result)}`);
    }
  } else if (op.output !== null) {
    problems.push(`${at}.output: expected null for ${outcomeName(op.outcome.kind)}, got an output`);
  }

  let object = objectOfInput(op.input);
  if (op.input.op === 'create') {
    object = op.output?.op === 'create' ? op.output.object : null;
  }
  // An ok create without its output is reported above and has no object to compare with.
  const objectKnown = op.input.op !== 'create' || op.outcome.kind !== 'ok' || op.output?.op === 'create';
  if (objectKnown && op.object !== object) {
    const source = op.input.op === 'create' ? 'the object the create returned' : 'the object of the input';
    problems.push(`${at}.object: expected ${show(object)}, ${source}, got ${show(op.object)}`);
  }
  let owner: NodeId | null = object === null ? null : ownerOf(object);
  if (op.input.op === 'create') {
    owner = op.input.node;
  }
  if (op.owner !== owner) {
    problems.push(`${at}.owner: expected ${show(owner)}, the owner of the operation's object, got ${show(op.owner)}`);
  }

  if (op.outcome.kind === 'indeterminate' && op.endMs !== null) {
    problems.push(`${at}.endMs: expected null for an indeterminate outcome, got ${op.endMs}`);
  }
  if (op.outcome.kind !== 'indeterminate' && op.endMs === null) {
    problems.push(`${at}.endMs: expected the time the response arrived for ${outcomeName(op.outcome.kind)}, got null`);
  }
  const outside = [
    outsideSpan(span, `${at}.startMs`, op.startMs),
    op.endMs === null ? undefined : outsideSpan(span, `${at}.endMs`, op.endMs),
    outsideSpan(span, `${at}.returnedMs`, op.returnedMs),
  ].filter((problem): problem is string => problem !== undefined);
  if (outside.length > 0) {
    // A time outside the run is the more useful problem to report than its order against the other times.
    return [...problems, ...outside];
  }
  if (op.endMs !== null && op.endMs < op.startMs) {
    problems.push(`${at}.endMs: expected a time no earlier than startMs (${op.startMs}), got ${op.endMs}`);
  }
  if (op.returnedMs < op.startMs) {
    problems.push(`${at}.returnedMs: expected a time no earlier than startMs (${op.startMs}), got ${op.returnedMs}`);
  }
  return problems;
};

export const checkAcrossFields = (run: RunBody): string[] => {
  const problems: string[] = [];
  const clientCount = run.history.clientCount;
  if (run.history.streams.length !== clientCount) {
    problems.push(`run.history.streams: expected one stream per client (run.history.clientCount is ${clientCount}), got ${run.history.streams.length}`);
  }

  if (run.history.nodeCount !== run.nodes.length) {
    problems.push(`run.history.nodeCount: expected ${run.nodes.length}, the number of run.nodes, got ${run.history.nodeCount}`);
  }
  if (run.nodes.length === 0) {
    problems.push('run.nodes: expected at least one node id, got []');
  }
  const firstNode = new Map<string, number>();
  for (const [index, node] of run.nodes.entries()) {
    const earlier = firstNode.get(node);
    if (earlier !== undefined) {
      problems.push(`run.nodes[${index}]: duplicate node id ${JSON.stringify(node)}, also at run.nodes[${earlier}]; give every node a distinct id`);
    }
    firstNode.set(node, earlier ?? index);
  }

  // With the run's end before its start every other time would be outside the run, so only the
  // end is reported and the times are checked against an unbounded span.
  const spanValid = run.endMs >= run.startMs;
  if (!spanValid) {
    problems.push(`run.endMs: expected a time no earlier than run.startMs (${run.startMs}), got ${run.endMs}`);
  }
  const span: RunSpan = spanValid ? { startMs: run.startMs, endMs: run.endMs } : { startMs: -Infinity, endMs: Infinity };
  const finalPhase = outsideSpan(span, 'run.finalPhaseMs', run.finalPhaseMs);
  if (finalPhase !== undefined) {
    problems.push(finalPhase);
  }
  // A fault may be scheduled after the run's end, because faults due after the streams end are
  // never applied, but none before its start.
  for (const [field, faults] of [
    ['run.faults', run.faults],
    ['run.history.faults', run.history.faults],
  ] as const) {
    for (const [index, timed] of faults.entries()) {
      if (timed.atMs < 0) {
        problems.push(`${field}[${index}].atMs: expected 0 or more milliseconds after run.startMs, got ${timed.atMs}`);
      }
    }
  }
  for (const [index, message] of run.messages.entries()) {
    const outside = outsideSpan(span, `run.messages[${index}].timeMs`, message.timeMs);
    if (outside !== undefined) {
      problems.push(outside);
    }
  }

  const firstOp = new Map<number, number>();
  for (const [index, op] of run.ops.entries()) {
    const at = `run.ops[${index}]`;
    const earlier = firstOp.get(op.id);
    if (earlier !== undefined) {
      problems.push(`${at}.id: duplicate op id ${op.id}, also at run.ops[${earlier}]; number the operations 0, 1, 2, ... in order`);
    } else if (op.id !== index) {
      problems.push(`${at}.id: expected ${index}, the position of the operation, got ${op.id}; number the operations 0, 1, 2, ... in order`);
    }
    firstOp.set(op.id, earlier ?? index);
    problems.push(...checkOp(op, at, clientCount, span));
  }

  // Every message goes between endpoints of the run: its nodes and its clients c0, c1, ... Checked
  // only on an otherwise valid run, so that a wrong node list gives one problem, not one per message.
  if (problems.length > 0) {
    return problems;
  }
  const endpoints = new Set<string>([...run.nodes, ...Array.from({ length: clientCount }, (_, client) => `c${client}`)]);
  for (const [index, message] of run.messages.entries()) {
    for (const end of ['from', 'to'] as const) {
      if (!endpoints.has(message[end])) {
        problems.push(
          `run.messages[${index}].${end}: expected a node of run.nodes or a client c0 to c${clientCount - 1}, got ${JSON.stringify(message[end])}`,
        );
      }
    }
  }
  return problems;
};
