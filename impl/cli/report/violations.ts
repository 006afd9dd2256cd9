/**
 * The violations of a failed run, one entry per reason, each tied to the operation it blames
 * when there is one: the linearizability checker's mismatched operation, the operation of a
 * direct check, or the operation of an offline check.
 */
import * as E from 'fp-ts/lib/Either.js';
import { attenuate, formatCapability, formatRights, type ObjectId } from '../../../model/index.ts';
import type { CampaignFailure } from '../../../properties/distributed/campaign.ts';
import { MESSAGES_PER_OPERATION_MAX } from '../../../properties/distributed/direct-checks.ts';
import { formatRefusal } from '../demo.ts';
import { TABLE_DETAIL } from './labels.ts';
import { describeOutcome } from './text.ts';

export type CheckName =
  | 'linearizability'
  | 'owner-locality'
  | 'message-bound'
  | 'failure-isolation'
  | 'attenuation'
  | 'invalid-input'
  | 'unique-object';

export interface Violation {
  readonly check: CheckName;
  /** Id of the blamed operation; `null` when the check names none. */
  readonly op: number | null;
  /** One line in plain words, for the header and the diagram. */
  readonly summary: string;
  /** The checker's own message, complete. */
  readonly detail: string;
}

/** The rule of each check, in plain words. */
export const CHECK_RULES: Readonly<Record<CheckName, string>> = {
  linearizability:
    "The operations on each object must fit one sequential order that respects real time and gives every operation the outcome the model gives it.",
  'owner-locality': "Every message of an operation must go between the operation's client and the object's owner, and nowhere else.",
  'message-bound': `One operation may cause at most ${MESSAGES_PER_OPERATION_MAX} messages, whatever the number of nodes or capabilities.`,
  'failure-isolation': 'An operation whose owner stayed up and reachable from its client for the whole deadline must complete.',
  attenuation: "Offline attenuation must give exactly the capability, or the refusal, that the model's attenuate gives.",
  'invalid-input': 'The system must accept every well-formed input of the history.',
  'unique-object': 'Every create must return an object id that no earlier create returned.',
};

const linearizabilityViolations = (failure: CampaignFailure): Violation[] => {
  const violations: Violation[] = [];
  for (const [object, verdict] of failure.verdict.linearizability.objects) {
    if (verdict.verdict !== 'violation') {
      continue;
    }
    const mismatch = verdict.mismatch;
    if (mismatch === null) {
      violations.push({
        check: 'linearizability',
        op: createOf(failure, object),
        summary: `the creation of ${object} does not match the model`,
        detail: verdict.reason,
      });
      continue;
    }
    violations.push({
      check: 'linearizability',
      op: mismatch.op,
      summary: `on ${object}: recorded ${mismatch.observed}, but the model gives ${mismatch.model}`,
      detail: verdict.reason,
    });
  }
  return violations;
};

const createOf = (failure: CampaignFailure, object: ObjectId): number | null =>
  failure.run.ops.find((op) => op.kind === 'create' && op.object === object)?.id ?? null;

/**
 * Restates an offline attenuation violation with model values in place of the checker's JSON.
 * NOTE: campaigns check against the reference model, so this recomputes the reference model's
 * answer; a run checked against another model would need that model here.
 */
const localSummary = (failure: CampaignFailure, id: number, message: string): string => {
  const op = failure.run.ops.find((recorded) => recorded.id === id);
  if (op === undefined || op.input.op !== 'attenuate' || op.outcome.kind === 'invalid') {
    return message;
  }
  const expected = attenuate(failure.run.initialState, op.input);
  const modelText = E.isLeft(expected) ? `refused ${formatRefusal(expected.left)}` : `ok ${formatCapability(expected.right[1].cap)}`;
  return `attenuate ${formatCapability(op.input.cap)} to ${formatRights(op.input.rights)} gave ${describeOutcome(op, TABLE_DETAIL)}, but the model gives ${modelText}`;
};

/** Lists every violation of the failure: linearizability first, then direct checks, then offline checks. */
export const collectViolations = (failure: CampaignFailure): ReadonlyArray<Violation> => [
  ...linearizabilityViolations(failure),
  ...failure.verdict.direct.map((violation) => ({
    check: violation.check,
    op: violation.op,
    summary: violation.message,
    detail: violation.message,
  })),
  ...failure.verdict.local.map((violation) => ({
    check: violation.check,
    op: violation.op,
    summary: localSummary(failure, violation.op, violation.message),
    detail: violation.message,
  })),
];

/** Groups violations by the operation they blame. */
export const violationsByOp = (violations: ReadonlyArray<Violation>): ReadonlyMap<number, ReadonlyArray<Violation>> => {
  const byOp = new Map<number, Violation[]>();
  for (const violation of violations) {
    if (violation.op !== null) {
      byOp.set(violation.op, [...(byOp.get(violation.op) ?? []), violation]);
    }
  }
  return byOp;
};
