/**
 * Plain-text descriptions of recorded operations: the labels of the diagram and the lines of the
 * trace table. Everything here is unescaped text; the renderers escape it.
 */
import { formatCapability, formatRevoker, formatRights, type Capability, type Revoker } from '../../../model/index.ts';
import type { RecordedOp } from '../../../properties/distributed/run.ts';
import { formatRefusal } from '../demo.ts';

/** How much of an operation a description shows: the diagram is terse, the table is complete. */
export interface Detail {
  /** Longest quoted value, in characters, before it is cut with an ellipsis. */
  readonly valueCharsMax: number;
  /** Whether to show base rights, refusal fields and the reason of an indeterminate outcome. */
  readonly full: boolean;
}

/** Quotes a value as JSON, cut to `charsMax` characters with its full length appended when longer. */
export const quoteValue = (value: string, charsMax: number): string => {
  const quoted = JSON.stringify(value);
  if (quoted.length <= charsMax) {
    return quoted;
  }
  return `${quoted.slice(0, Math.max(1, charsMax - 2))}…" (${value.length} chars)`;
};

/** Cuts text to `charsMax` characters, the last one an ellipsis. */
export const cut = (text: string, charsMax: number): string =>
  text.length <= charsMax ? text : `${text.slice(0, Math.max(0, charsMax - 1))}…`;

/** Splits text into lines of at most `charsMax` characters, at spaces where it can. */
export const wrap = (text: string, charsMax: number): string[] => {
  const width = Math.max(8, charsMax);
  const lines: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const space = rest.lastIndexOf(' ', width);
    const end = space > width / 2 ? space : width;
    lines.push(rest.slice(0, end));
    rest = rest.slice(end).trimStart();
  }
  lines.push(rest);
  return lines;
};

/** Versions below zero mark forged tokens; the minted version is `-1 - version`. */
const versionText = (version: number): string => (version < 0 ? `${-1 - version}(forged)` : String(version));

const capText = (cap: Capability, detail: Detail): string => {
  if (detail.full) {
    return cap.version < 0 ? `forged ${formatCapability({ ...cap, version: -1 - cap.version })}` : formatCapability(cap);
  }
  const caveats = cap.caveats.map((caveat) => `/${formatRights(caveat)}`).join('');
  return `${cap.object}#${cap.slot}@${versionText(cap.version)}${caveats}`;
};

const revokerText = (revoker: Revoker, detail: Detail): string => {
  if (detail.full) {
    return revoker.version < 0 ? `forged ${formatRevoker({ ...revoker, version: -1 - revoker.version })}` : formatRevoker(revoker);
  }
  return `${revoker.object}#${revoker.slot}@${versionText(revoker.version)}`;
};

/** Describes the operation and its arguments, for example `write n0/0#0@0 "v"`. */
export const describeInput = (op: RecordedOp, detail: Detail): string => {
  const input = op.input;
  switch (input.op) {
    case 'create':
      return `create on ${input.node} ${quoteValue(input.value, detail.valueCharsMax)}`;
    case 'attenuate':
    case 'derive':
      return `${input.op} ${capText(input.cap, detail)} ${formatRights(input.rights)}`;
    case 'revoke':
      return `revoke ${revokerText(input.revoker, detail)}`;
    case 'invoke':
      return input.action.kind === 'read'
        ? `read ${capText(input.cap, detail)}`
        : `write ${capText(input.cap, detail)} ${quoteValue(input.action.value, detail.valueCharsMax)}`;
    case 'crash':
    case 'restart':
      return `${input.op} ${input.node}`;
  }
};

const okText = (op: RecordedOp, detail: Detail): string => {
  const output = op.output;
  if (output === null) {
    return 'ok';
  }
  switch (output.op) {
    case 'create':
      return `ok ${output.object}`;
    case 'attenuate':
      return `ok ${capText(output.cap, detail)}`;
    case 'derive':
      return `ok ${capText(output.cap, detail)}`;
    case 'invoke':
      return output.result.kind === 'read' ? `ok ${quoteValue(output.result.value, detail.valueCharsMax)}` : 'ok';
    default:
      return 'ok';
  }
};

/** Describes the outcome the client saw, for example `ok "v"`, `refused Revoked` or `indeterminate`. */
export const describeOutcome = (op: RecordedOp, detail: Detail): string => {
  const outcome = op.outcome;
  switch (outcome.kind) {
    case 'ok':
      return okText(op, detail);
    case 'refused':
      return `refused ${detail.full ? formatRefusal(outcome.refusal) : outcome.refusal._tag}`;
    case 'indeterminate':
      return detail.full ? `indeterminate (${outcome.reason})` : 'indeterminate';
    case 'invalid':
      return detail.full ? `invalid input (${outcome.message})` : 'invalid input';
  }
};

/** Describes an operation with its outcome in one label, for example `#3 read n0/0#0@0 -> refused Revoked`. */
export const describeOp = (op: RecordedOp, detail: Detail): string =>
  `#${op.id} ${op.final ? 'final ' : ''}${describeInput(op, detail)} -> ${describeOutcome(op, detail)}`;
