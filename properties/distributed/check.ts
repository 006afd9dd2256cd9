/**
 * The verdict on one recorded run: per-object linearizability against the model, the direct
 * checks, and offline attenuation compared with the model's own `attenuate`.
 */
import * as E from 'fp-ts/lib/Either.js';
import { isDeepStrictEqual } from 'node:util';
import { referenceModel, type ModelOps } from '../../model/index.ts';
import { checkHistory, type HistoryVerdict, type RecordedHistory, type RecordedOp as CheckedOp } from '../checker/index.ts';
import { checkDirect, type DirectViolation } from './direct-checks.ts';
import type { RecordedOp, RecordedRun } from './run.ts';

export type RunVerdictKind = 'pass' | 'violation' | 'unknown';

export interface LocalViolation {
  readonly check: 'attenuation' | 'invalid-input' | 'unique-object';
  readonly op: number;
  readonly message: string;
}

export interface RunVerdict {
  readonly verdict: RunVerdictKind;
  readonly linearizability: HistoryVerdict;
  readonly direct: ReadonlyArray<DirectViolation>;
  /** Problems found outside the linearizability search: offline attenuation, rejected input and
   * object ids handed out twice. */
  readonly local: ReadonlyArray<LocalViolation>;
}

/** Converts the recorder's operations into the checker's per-object history. */
export const toCheckedHistory = (run: RecordedRun): RecordedHistory => {
  // An object that two creates returned is a violation of its own (see `duplicateCreations`); the
  // search checks it from the first.
  const seen = new Set<string>();
  const creations = run.ops.flatMap((op) => {
    if (op.input.op !== 'create' || op.output?.op !== 'create' || op.endMs === null || seen.has(op.output.object)) {
      return [];
    }
    seen.add(op.output.object);
    return [{ object: op.output.object, owner: op.input.node, value: op.input.value, start: op.startMs, end: op.endMs }];
  });
  const ops = run.ops.flatMap((op): CheckedOp[] => {
    const input = op.input;
    if (op.object === null || (input.op !== 'derive' && input.op !== 'revoke' && input.op !== 'invoke')) {
      return [];
    }
    return [
      {
        id: op.id,
        client: `c${op.client}`,
        object: op.object,
        input,
        start: op.startMs,
        end: op.endMs,
        outcome: checkedOutcome(op),
      },
    ];
  });
  return { creations, ops };
};

const checkedOutcome = (op: RecordedOp): CheckedOp['outcome'] => {
  if (op.outcome.kind === 'ok' && op.output !== null) {
    return { kind: 'ok', output: op.output };
  }
  if (op.outcome.kind === 'refused') {
    return { kind: 'refused', refusal: op.outcome.refusal };
  }
  return { kind: 'indeterminate' };
};

/** Offline attenuation must give exactly what the model's `attenuate` gives; it needs no state. */
const checkLocal = (run: RecordedRun, model: ModelOps): RunVerdict['local'] =>
  run.ops.flatMap((op): LocalViolation[] => {
    if (op.outcome.kind === 'invalid') {
      return [{ check: 'invalid-input' as const, op: op.id, message: `${op.kind} was rejected as invalid input: ${op.outcome.message}` }];
    }
    if (op.input.op !== 'attenuate') {
      return [];
    }
    const expected = model.attenuate(run.initialState, op.input);
    const matches = E.isLeft(expected)
      ? op.outcome.kind === 'refused' && isDeepStrictEqual(op.outcome.refusal, expected.left)
      : op.output?.op === 'attenuate' && isDeepStrictEqual(op.output.cap, expected.right[1].cap);
    return matches
      ? []
      : [{ check: 'attenuation' as const, op: op.id, message: `attenuate gave ${JSON.stringify(op.outcome)}, the model ${JSON.stringify(expected)}` }];
  });

/** Creates that returned an object id an earlier create had returned, as an owner that lost a
 * create in a crash and numbered a new object the same would. */
const duplicateCreations = (run: RecordedRun): RunVerdict['local'] => {
  const first = new Map<string, number>();
  return run.ops.flatMap((op): LocalViolation[] => {
    if (op.output?.op !== 'create') {
      return [];
    }
    const earlier = first.get(op.output.object);
    if (earlier === undefined) {
      first.set(op.output.object, op.id);
      return [];
    }
    return [{ check: 'unique-object' as const, op: op.id, message: `create #${op.id} returned object ${op.output.object}, which create #${earlier} had already returned` }];
  });
};

export const checkRun = (run: RecordedRun, budget: number, model: ModelOps = referenceModel): RunVerdict => {
  const linearizability = checkHistory(toCheckedHistory(run), budget, model);
  const direct = checkDirect(run);
  const local = [...duplicateCreations(run), ...checkLocal(run, model)];
  const verdict: RunVerdictKind =
    linearizability.verdict === 'violation' || direct.length > 0 || local.length > 0
      ? 'violation'
      : linearizability.verdict === 'unknown'
        ? 'unknown'
        : 'pass';
  return { verdict, linearizability, direct, local };
};

/** One violation of a run, as reports and JSON summaries list it. */
export interface ViolationSummary {
  readonly check: string;
  /** The operation the check blames, when it names one. */
  readonly op: number | null;
  /** The object, for a linearizability violation. */
  readonly object: string | null;
  readonly message: string;
}

/** Lists every violation of a verdict: linearizability first, then the direct checks, then the local ones. */
export const listViolations = (verdict: RunVerdict): ViolationSummary[] => [
  ...[...verdict.linearizability.objects.entries()].flatMap(([object, objectVerdict]) =>
    objectVerdict.verdict === 'violation' ? [{ check: 'linearizability', op: objectVerdict.mismatch?.op ?? null, object, message: objectVerdict.reason }] : [],
  ),
  ...verdict.direct.map((violation) => ({ check: violation.check, op: violation.op, object: null, message: violation.message })),
  ...verdict.local.map((violation) => ({ check: violation.check, op: violation.op, object: null, message: violation.message })),
];
