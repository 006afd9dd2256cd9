/** Prints a recorded history one line per step, so a shrunk counterexample reads as a trace. */
import * as E from 'fp-ts/lib/Either.js';
import { formatCapability, formatRevoker, type Input, type Output, type Refusal } from '../../model/index.ts';
import { formatCommand } from './command.ts';
import type { Step, Trace } from './run.ts';

export const formatInput = (input: Input): string => {
  switch (input.op) {
    case 'create':
      return `create(${input.node}, ${JSON.stringify(input.value)})`;
    case 'attenuate':
    case 'derive':
      return `${input.op}(${formatCapability(input.cap)}, {${input.rights.join(',')}})`;
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

export const formatOutput = (output: Output): string => {
  switch (output.op) {
    case 'create':
      return `${output.object} ${formatCapability(output.cap)} ${formatRevoker(output.revoker)}`;
    case 'attenuate':
      return formatCapability(output.cap);
    case 'derive':
      return `${formatCapability(output.cap)} ${formatRevoker(output.revoker)}`;
    case 'invoke':
      return output.result.kind === 'read' ? `value ${JSON.stringify(output.result.value)}` : 'written';
    case 'revoke':
    case 'crash':
    case 'restart':
      return 'done';
  }
};

export const formatRefusal = (refusal: Refusal): string => {
  const { _tag, ...fields } = refusal;
  return `${_tag} ${JSON.stringify(fields)}`;
};

export const formatStep = (step: Step): string => {
  const prefix = `#${String(step.index).padStart(3, ' ')}`;
  if (step.input === null) {
    return `${prefix} ${formatCommand(step.command)} (no model call)`;
  }
  const result = step.result;
  const outcome =
    result === null ? '' : E.isLeft(result) ? `refused ${formatRefusal(result.left)}` : `ok ${formatOutput(result.right)}`;
  return `${prefix} ${formatInput(step.input)} -> ${outcome}`;
};

export const formatTrace = (trace: Trace): string =>
  [`nodes: ${trace.nodes.join(', ')}`, ...trace.steps.map(formatStep)].join('\n');
