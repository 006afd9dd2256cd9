/**
 * Histories as a recorder writes them down: one creation per object and the operations clients
 * sent to it, each with the simulated times of its invocation and response and the outcome the
 * client saw. Inputs, outputs and refusals are model values, so the checker can replay them on the model.
 */
import type { Input, NodeId, ObjectId, Output, Refusal } from '../../model/index.ts';

/** A model input that goes to an object's owner. Attenuate is offline and never recorded. */
export type ObjectInput = Extract<Input, { readonly op: 'derive' | 'revoke' | 'invoke' }>;

export type RecordedOutcome =
  | { readonly kind: 'ok'; readonly output: Output }
  | { readonly kind: 'refused'; readonly refusal: Refusal }
  /** No response, or a response that does not tell whether the operation took effect. */
  | { readonly kind: 'indeterminate' };

export interface RecordedOp {
  /** Unique within the history; verdicts name operations by this id. */
  readonly id: number;
  readonly client: string;
  readonly object: ObjectId;
  readonly input: ObjectInput;
  /** Simulated time the client sent the request, in ms. */
  readonly start: number;
  /** Simulated time the client received the response, in ms; `null` when none came. */
  readonly end: number | null;
  readonly outcome: RecordedOutcome;
}

/** A create that returned ok. Creates without a response are not recorded. */
export interface RecordedCreation {
  readonly object: ObjectId;
  readonly owner: NodeId;
  readonly value: string;
  /** Simulated invocation and response times, in ms. */
  readonly start: number;
  readonly end: number;
}

export interface RecordedHistory {
  readonly creations: ReadonlyArray<RecordedCreation>;
  readonly ops: ReadonlyArray<RecordedOp>;
}

/** The operation that no linearization could place, with both outcomes printed. */
export interface Mismatch {
  readonly op: number;
  /** The model's result for the operation at the end of `longestPrefix`. */
  readonly model: string;
  /** The outcome the history recorded for the operation. */
  readonly observed: string;
}

/**
 * The verdict on one object. `explored` counts the search nodes visited: distinct pairs of a set
 * of placed operations and a model state.
 */
export type ObjectVerdict =
  | {
      readonly verdict: 'linearizable';
      /** Ids in linearization order. The indeterminate operations left out took no effect in it. */
      readonly order: ReadonlyArray<number>;
      readonly explored: number;
    }
  | {
      readonly verdict: 'violation';
      readonly reason: string;
      /**
       * Ids of a linearizable prefix that places the most determinate operations of any order the
       * search found, including the indeterminate operations it places.
       */
      readonly longestPrefix: ReadonlyArray<number>;
      /** `null` when the creation itself does not match the model. */
      readonly mismatch: Mismatch | null;
      readonly explored: number;
    }
  /** The search hit its budget before finding a linearization or exhausting every order. */
  | { readonly verdict: 'unknown'; readonly explored: number };

export type Verdict = ObjectVerdict['verdict'];

export interface HistoryVerdict {
  /** `violation` if any object has one, else `unknown` if any object has one, else `linearizable`. */
  readonly verdict: Verdict;
  /** One entry per recorded creation, in the order of `creations`. */
  readonly objects: ReadonlyMap<ObjectId, ObjectVerdict>;
  /**
   * Ids of operations on objects with no recorded creation. Only a client that received a
   * create's response has the object's tokens, so these carry forged tokens and are not checked.
   */
  readonly unchecked: ReadonlyArray<number>;
}
