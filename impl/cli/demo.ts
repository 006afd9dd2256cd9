/**
 * The three-services example of docs/spec.md, run on the model and printed one line per step:
 * a storage node owns a bucket, a GPU node owns a job queue and a model-serving node owns a model.
 * Every step states the outcome the specification requires, and the demo throws when the model
 * returns another, so a run that prints every line is also a check of the model.
 */
import * as E from 'fp-ts/lib/Either.js';
import {
  formatCapability,
  formatRevoker,
  formatRights,
  initialState,
  nodeId,
  referenceModel,
  step,
  type Capability,
  type Input,
  type Output,
  type Refusal,
  type RefusalTag,
  type State,
} from '../../model/index.ts';

type OutputOf<Op extends Output['op']> = Extract<Output, { readonly op: Op }>;

/** Prints a refusal as its tag and fields, for example `Revoked(object=storage/0, slot=1)`. */
export const formatRefusal = (refusal: Refusal): string => {
  const { _tag, ...fields } = refusal;
  const shown = Object.entries(fields).map(([name, value]) =>
    Array.isArray(value) ? `${name}=${formatRights(value)}` : `${name}=${String(value)}`,
  );
  return `${_tag}(${shown.join(', ')})`;
};

const formatInput = (input: Input): string => {
  switch (input.op) {
    case 'create':
      return `create(${input.node}, ${JSON.stringify(input.value)})`;
    case 'attenuate':
    case 'derive':
      return `${input.op}(${formatCapability(input.cap)}, ${formatRights(input.rights)})`;
    case 'revoke':
      return `revoke(${formatRevoker(input.revoker)})`;
    case 'invoke':
      return input.action.kind === 'read'
        ? `read(${formatCapability(input.cap)})`
        : `write(${formatCapability(input.cap)}, ${JSON.stringify(input.action.value)})`;
    case 'crash':
    case 'restart':
      return `${input.op}(${input.node})`;
  }
};

const formatOutput = (output: Output): string => {
  switch (output.op) {
    case 'create':
      return `${output.object} ${formatCapability(output.cap)}`;
    case 'attenuate':
      return formatCapability(output.cap);
    case 'derive':
      return `${formatCapability(output.cap)} ${formatRevoker(output.revoker)}`;
    case 'invoke':
      return output.result.kind === 'read' ? JSON.stringify(output.result.value) : 'written';
    case 'revoke':
    case 'crash':
    case 'restart':
      return 'done';
  }
};

/**
 * Runs the example on a fresh cluster and passes each printed line to `print`. Throws an Error
 * naming the step when the model's outcome differs from the one the specification requires.
 */
export const runDemo = (print: (line: string) => void): void => {
  const storage = nodeId('storage');
  const gpu = nodeId('gpu');
  const serving = nodeId('serving');
  let state: State = initialState([storage, gpu, serving]);
  let stepNumber = 0;

  const apply = (description: string, input: Input): E.Either<Refusal, Output> => {
    stepNumber += 1;
    const result = step(referenceModel, state, input);
    const outcome = E.isLeft(result) ? `refused ${formatRefusal(result.left)}` : `ok ${formatOutput(result.right[1])}`;
    print(`${String(stepNumber).padStart(2, ' ')}. ${description}: ${formatInput(input)} -> ${outcome}`);
    if (E.isRight(result)) {
      state = result.right[0];
    }
    return E.map(([, output]: readonly [State, Output]) => output)(result);
  };

  /** Applies a step the specification requires to succeed and returns its output. */
  const succeed = <Op extends Output['op']>(description: string, input: Input & { readonly op: Op }): OutputOf<Op> => {
    const result = apply(description, input);
    if (E.isLeft(result)) {
      const refusal = formatRefusal(result.left);
      throw new Error(`demo step ${stepNumber} (${description}) was refused with ${refusal}, expected success`);
    }
    return result.right as OutputOf<Op>;
  };

  /** Applies a step the specification requires to be refused with `expected`. */
  const refuse = (description: string, input: Input, expected: RefusalTag): void => {
    const result = apply(description, input);
    if (E.isRight(result) || result.left._tag !== expected) {
      const actual = E.isRight(result) ? 'succeeded' : `was refused with ${formatRefusal(result.left)}`;
      throw new Error(`demo step ${stepNumber} (${description}) ${actual}, expected refusal ${expected}`);
    }
  };

  const read = (cap: Capability): Input => ({ op: 'invoke', cap, action: { kind: 'read' } });

  print('shardcap demo: three services on the model (see "Worked example" in docs/spec.md)');
  print(`nodes: ${storage}, ${gpu}, ${serving}; all up`);

  const bucket = succeed('storage creates a bucket', { op: 'create', node: storage, value: 'images-2025-01' });
  const queue = succeed('gpu creates a job queue', { op: 'create', node: gpu, value: 'job-17: queued' });
  const model = succeed('serving creates a model', { op: 'create', node: serving, value: 'classifier-v3' });

  const servingGrant = succeed('storage derives a read-only child for serving, one round trip to storage', {
    op: 'derive',
    cap: bucket.cap,
    rights: ['grant', 'read'],
  });
  const stateBeforeAttenuate = state;
  const jobGrant = succeed('serving attenuates it offline for a GPU job, no message', {
    op: 'attenuate',
    cap: servingGrant.cap,
    rights: ['read'],
  });
  if (state !== stateBeforeAttenuate) {
    throw new Error(`demo step ${stepNumber} (attenuate) changed the state, expected no change`);
  }
  succeed('the GPU job reads the bucket', read(jobGrant.cap));
  refuse(
    'the GPU job tries to write the bucket',
    { op: 'invoke', cap: jobGrant.cap, action: { kind: 'write', value: 'x' } },
    'MissingRight',
  );

  succeed("storage revokes serving's slot", { op: 'revoke', revoker: servingGrant.revoker });
  refuse("serving reads with its revoked copy", read(servingGrant.cap), 'Revoked');
  refuse("the GPU job reads with its copy, revoked with serving's slot", read(jobGrant.cap), 'Revoked');
  succeed('storage reads with its root, still valid', read(bucket.cap));

  succeed('the gpu node crashes', { op: 'crash', node: gpu });
  refuse('the job queue is unavailable', read(queue.cap), 'OwnerUnavailable');
  succeed('storage still reads its bucket', read(bucket.cap));
  succeed('serving still reads its model', read(model.cap));

  succeed('the gpu node restarts', { op: 'restart', node: gpu });
  succeed('the job queue is back with its value', read(queue.cap));
  refuse("the GPU job's revoked copy stays refused", read(jobGrant.cap), 'Revoked');
};
