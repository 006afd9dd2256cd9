/**
 * Recorded run files: one `RecordedRun` as a JSON document, so that a run on a real cluster, which
 * no seed reproduces, can be checked again later. Harnesses of other systems write these files
 * too, so decoding validates every field and each error names the path of the bad value. The
 * section "Recorded run files" of docs/checker.md describes the format field by field.
 */
import { Buffer } from 'node:buffer';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { Outcome } from '../../impl/client/outcome.ts';
import { RUN_FILE_BYTES_MAX } from '../../impl/limits.ts';
import { NodeIdCodec, ObjectIdCodec, RefusalCodec, RightsCodec } from '../../impl/wire/codecs.ts';
import {
  initialState,
  invariant,
  REFUSAL_TAGS,
  type Action,
  type Capability,
  type Input,
  type InvokeOutput,
  type Output,
  type Refusal,
  type Revoker,
  type Rights,
} from '../../model/index.ts';
import { FAULT_KINDS, type FaultKind, type SentMessage } from '../adapter.ts';
import type { ForgeMutation } from '../history/command.ts';
import type { ClientCommand, DistributedHistory, Fault, FaultRates, TimedFault } from './history.ts';
import { type RecordedFault, type RecordedKind, type RecordedOp, type RecordedRun } from './run.ts';

import {
  arrayOf,
  type Codec,
  describe,
  DurationMs,
  Flag,
  Integer,
  isInteger,
  IsoTime,
  isRecord,
  JsonValue,
  keysOf,
  NonNegativeInteger,
  nullable,
  object,
  oneOf,
  PositiveInteger,
  Rate,
  setOf,
  show,
  taggedUnion,
  Text,
  TimeMs,
  unknownFieldErrors,
} from './run-file-kit.ts';
import { checkAcrossFields } from './run-file-checks.ts';

/** Value of the `format` field, which distinguishes a recorded run file from any other JSON document. */
export const RUN_FILE_FORMAT = 'shardcap-recorded-run';

/** Format version this code writes and the newest it reads. */
export const RUN_FILE_VERSION = 1;

/** Origin of a recorded run: the command, seed, history and time that produced it. */
export interface RunFileMeta {
  /** The command line that produced the run. */
  readonly command: string;
  /** Seed of the history generator. */
  readonly seed: number;
  /** Position of the run's history among the histories of that seed, from 0. */
  readonly index: number;
  /** True when rerunning `command` reproduces the run exactly, as on the simulator. */
  readonly deterministic: boolean;
  /** When the run was recorded, as an ISO 8601 time. */
  readonly recordedAt: string;
}

export interface DecodedRunFile {
  /** The run, with `initialState` rebuilt from its nodes. */
  readonly run: RecordedRun;
  readonly meta: RunFileMeta;
}

/** Maximum number of problems one error message lists; a longer list ends with the count left out. */
const PROBLEMS_SHOWN_MAX = 10;

// ---------------------------------------------------------------------------------------------
// Codecs for the model's values and the recorder's records.

const RightsFileCodec: Codec<Rights> = new t.Type<Rights, unknown, unknown>(
  'an array of distinct rights out of "grant", "read", "write"',
  RightsCodec.is,
  (input, context) => {
    // The wire codec's own messages name no path, so a failure gets this codec's name instead.
    const decoded = RightsCodec.validate(input, context);
    return E.isRight(decoded) ? decoded : t.failure(input, context);
  },
  RightsCodec.encode,
);

const CapabilityCodec: Codec<Capability> = object('a capability', {
  object: ObjectIdCodec,
  slot: NonNegativeInteger,
  // Forged tokens carry negative versions in the model's view.
  version: Integer,
  rights: RightsFileCodec,
  caveats: arrayOf(RightsFileCodec),
});

const RevokerCodec: Codec<Revoker> = object('a revoker', { object: ObjectIdCodec, slot: NonNegativeInteger, version: Integer });

/** Lists the field names of each refusal, read off the wire codec so that the two cannot drift apart. */
const refusalFields = (): ReadonlyMap<string, ReadonlyArray<string>> => {
  const members = (RefusalCodec as unknown as { readonly types?: ReadonlyArray<{ readonly props?: t.Props }> }).types;
  invariant(Array.isArray(members), 'RefusalCodec is no longer a union of t.type codecs: update refusalFields in run-file.ts');
  const fields = new Map<string, ReadonlyArray<string>>();
  for (const member of members) {
    const tag = (member.props?.['_tag'] as t.LiteralType<string> | undefined)?.value;
    invariant(member.props !== undefined && tag !== undefined, 'a RefusalCodec member has no literal _tag: update refusalFields in run-file.ts');
    fields.set(tag, Object.keys(member.props));
  }
  invariant(REFUSAL_TAGS.every((each) => fields.has(each)), 'RefusalCodec lacks a refusal of REFUSAL_TAGS');
  return fields;
};

const REFUSAL_FIELDS = refusalFields();

/** The wire codec of refusals, with a clear message for an unknown tag and unknown fields rejected:
 * the checker compares refusals with the model's by deep equality, so an extra field would fail. */
const RefusalFileCodec: Codec<Refusal> = new t.Type<Refusal, unknown, unknown>(
  'a refusal',
  RefusalCodec.is,
  (input, context) => {
    if (!isRecord(input)) {
      return t.failure(input, context, 'expected a refusal, an object with a "_tag" field');
    }
    const tag = input['_tag'];
    const fields = typeof tag === 'string' ? REFUSAL_FIELDS.get(tag) : undefined;
    if (fields === undefined) {
      return t.failure(tag, [...context, { key: '_tag', type: t.unknown, actual: tag }], `expected one of ${REFUSAL_TAGS.map((each) => JSON.stringify(each)).join(', ')}`);
    }
    const unknown = unknownFieldErrors(input, fields, context);
    const decoded = RefusalCodec.validate(input, context);
    if (E.isLeft(decoded)) {
      return t.failures([...unknown, ...decoded.left]);
    }
    return unknown.length > 0 ? t.failures(unknown) : decoded;
  },
  RefusalCodec.encode,
);

const ActionCodec = taggedUnion<Action, 'kind'>('an action', 'kind', {
  read: object('a read action', { kind: t.literal('read') }),
  write: object('a write action', { kind: t.literal('write'), value: Text }),
});

const InputCodec = taggedUnion<Input, 'op'>('a model input', 'op', {
  create: object('a create input', { op: t.literal('create'), node: NodeIdCodec, value: Text }),
  attenuate: object('an attenuate input', { op: t.literal('attenuate'), cap: CapabilityCodec, rights: RightsFileCodec }),
  derive: object('a derive input', { op: t.literal('derive'), cap: CapabilityCodec, rights: RightsFileCodec }),
  revoke: object('a revoke input', { op: t.literal('revoke'), revoker: RevokerCodec }),
  invoke: object('an invoke input', { op: t.literal('invoke'), cap: CapabilityCodec, action: ActionCodec }),
  crash: object('a crash input', { op: t.literal('crash'), node: NodeIdCodec }),
  restart: object('a restart input', { op: t.literal('restart'), node: NodeIdCodec }),
});

const InvokeOutputCodec = taggedUnion<InvokeOutput, 'kind'>('an invoke result', 'kind', {
  read: object('a read result', { kind: t.literal('read'), value: Text }),
  write: object('a write result', { kind: t.literal('write') }),
});

const OutputCodec = taggedUnion<Output, 'op'>('a model output', 'op', {
  create: object('a create output', { op: t.literal('create'), object: ObjectIdCodec, cap: CapabilityCodec, revoker: RevokerCodec }),
  attenuate: object('an attenuate output', { op: t.literal('attenuate'), cap: CapabilityCodec }),
  derive: object('a derive output', { op: t.literal('derive'), cap: CapabilityCodec, revoker: RevokerCodec }),
  revoke: object('a revoke output', { op: t.literal('revoke') }),
  invoke: object('an invoke output', { op: t.literal('invoke'), result: InvokeOutputCodec }),
  crash: object('a crash output', { op: t.literal('crash') }),
  restart: object('a restart output', { op: t.literal('restart') }),
});

const OutcomeCodec = taggedUnion<Outcome<unknown>, 'kind'>('an outcome', 'kind', {
  ok: object('an ok outcome', { kind: t.literal('ok'), value: JsonValue }),
  refused: object('a refused outcome', { kind: t.literal('refused'), refusal: RefusalFileCodec }),
  indeterminate: object('an indeterminate outcome', { kind: t.literal('indeterminate'), reason: Text }),
  invalid: object('an invalid outcome', { kind: t.literal('invalid'), message: Text }),
});

const FORGE_MUTATIONS = keysOf<ForgeMutation>({
  'amplify-rights': null,
  'bump-version': null,
  'other-slot': null,
  'unknown-object': null,
  'unknown-node': null,
});

// Pool indices (`cap`, `revoker`) may be negative: they are taken modulo the pool's size, so -1
// picks the newest entry. Node indices are taken modulo the number of nodes.
const ClientCommandCodec = taggedUnion<ClientCommand, 'kind'>('a client command', 'kind', {
  create: object('a create command', { kind: t.literal('create'), node: NonNegativeInteger, value: Text }),
  attenuate: object('an attenuate command', { kind: t.literal('attenuate'), cap: Integer, rights: RightsFileCodec }),
  derive: object('a derive command', { kind: t.literal('derive'), cap: Integer, rights: RightsFileCodec }),
  revoke: object('a revoke command', { kind: t.literal('revoke'), revoker: Integer }),
  read: object('a read command', { kind: t.literal('read'), cap: Integer }),
  write: object('a write command', { kind: t.literal('write'), cap: Integer, value: Text }),
  'forge-capability': object('a forge-capability command', { kind: t.literal('forge-capability'), cap: Integer, mutation: oneOf(FORGE_MUTATIONS) }),
  'forge-revoker': object('a forge-revoker command', { kind: t.literal('forge-revoker'), revoker: Integer }),
});

const FaultCodec = taggedUnion<Fault, 'kind'>('a fault', 'kind', {
  crash: object('a crash fault', { kind: t.literal('crash'), node: NonNegativeInteger, torn: Flag }),
  restart: object('a restart fault', { kind: t.literal('restart'), node: NonNegativeInteger }),
  partition: object('a partition fault', { kind: t.literal('partition'), client: NonNegativeInteger, node: NonNegativeInteger, oneWay: Flag }),
  heal: object('a heal fault', { kind: t.literal('heal') }),
  pause: object('a pause fault', { kind: t.literal('pause'), node: NonNegativeInteger }),
  resume: object('a resume fault', { kind: t.literal('resume'), node: NonNegativeInteger }),
  disconnect: object('a disconnect fault', { kind: t.literal('disconnect'), client: NonNegativeInteger, node: NonNegativeInteger }),
});

const TimedFaultCodec: Codec<TimedFault> = object('a timed fault', { atMs: TimeMs, fault: FaultCodec });

const FaultRatesCodec: Codec<FaultRates> = object('fault rates', { dropRate: Rate, duplicateRate: Rate, delayMsMax: DurationMs });

const HistoryCodec: Codec<DistributedHistory> = object('a distributed history', {
  nodeCount: PositiveInteger,
  clientCount: PositiveInteger,
  streams: arrayOf(arrayOf(ClientCommandCodec)),
  faults: arrayOf(TimedFaultCodec),
  rates: FaultRatesCodec,
  seed: Integer,
});

const RECORDED_KINDS = keysOf<RecordedKind>({ create: null, attenuate: null, derive: null, revoke: null, read: null, write: null });

const RecordedOpCodec: Codec<RecordedOp> = object('a recorded operation', {
  id: NonNegativeInteger,
  client: NonNegativeInteger,
  kind: oneOf(RECORDED_KINDS),
  object: nullable(ObjectIdCodec),
  owner: nullable(NodeIdCodec),
  input: InputCodec,
  requestId: nullable(Text),
  startMs: TimeMs,
  endMs: nullable(TimeMs),
  returnedMs: TimeMs,
  outcome: OutcomeCodec,
  output: nullable(OutputCodec),
  final: Flag,
});

const RecordedFaultCodec: Codec<RecordedFault> = object('a recorded fault', {
  atMs: TimeMs,
  fault: FaultCodec,
  applied: Flag,
  description: Text,
});

const SentMessageCodec: Codec<SentMessage> = object('a sent message', {
  timeMs: TimeMs,
  from: Text,
  to: Text,
  requestId: nullable(Text),
});

/** A recorded run as the file contains it: without `initialState`, which decoding rebuilds. */
export type RunBody = Omit<RecordedRun, 'initialState'>;

const RunBodyCodec: Codec<RunBody> = object('a recorded run', {
  system: Text,
  supportedFaults: setOf(oneOf<FaultKind>(FAULT_KINDS)),
  history: HistoryCodec,
  nodes: arrayOf(NodeIdCodec),
  ops: arrayOf(RecordedOpCodec),
  faults: arrayOf(RecordedFaultCodec),
  messages: arrayOf(SentMessageCodec),
  startMs: TimeMs,
  finalPhaseMs: TimeMs,
  endMs: TimeMs,
});

const MetaCodec: Codec<RunFileMeta> = object('run metadata', {
  command: Text,
  seed: Integer,
  index: NonNegativeInteger,
  deterministic: Flag,
  recordedAt: IsoTime,
});

const DocumentCodec = object('a recorded run file', {
  format: t.literal(RUN_FILE_FORMAT),
  version: t.literal(RUN_FILE_VERSION),
  meta: MetaCodec,
  run: RunBodyCodec,
});

// ---------------------------------------------------------------------------------------------
// Error messages.

const IDENTIFIER_PATTERN = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Formats the path of a bad value in JavaScript notation, such as `run.ops[12].outcome.kind`. */
const pathOf = (context: t.Context): string => {
  let path = '';
  let parent: unknown;
  for (const [position, entry] of context.entries()) {
    // The first entry is the document itself. An entry whose value is its parent's is the
    // member of a union that io-ts tried, which is no step in the path.
    if (position === 0 || entry.actual === parent) {
      parent = entry.actual;
      continue;
    }
    if (Array.isArray(parent)) {
      path += `[${entry.key}]`;
    } else if (IDENTIFIER_PATTERN.test(entry.key)) {
      path += path === '' ? entry.key : `.${entry.key}`;
    } else {
      path += `[${JSON.stringify(entry.key)}]`;
    }
    parent = entry.actual;
  }
  return path === '' ? '(the document)' : path;
};

const formatError = (error: t.ValidationError): string => {
  const path = pathOf(error.context);
  const type = error.context[error.context.length - 1]?.type;
  const message = error.message ?? `expected ${type === undefined ? 'another value' : describe(type)}`;
  if (!message.startsWith('expected ')) {
    return `${path}: ${message}`;
  }
  // JSON has no undefined, so an undefined value is a missing field.
  return error.value === undefined ? `${path}: missing, ${message}` : `${path}: ${message}, got ${show(error.value)}`;
};

const report = (problems: ReadonlyArray<string>): string => {
  const shown = problems.slice(0, PROBLEMS_SHOWN_MAX);
  const more = problems.length - shown.length;
  return [...shown, ...(more > 0 ? [`... and ${more} more problems`] : [])].join('\n');
};

/** Returns the error for a file of `bytes` bytes, or `null` when the size is within RUN_FILE_BYTES_MAX. */
export const runFileSizeProblem = (bytes: number): string | null =>
  bytes <= RUN_FILE_BYTES_MAX
    ? null
    : `the file has ${bytes} bytes, more than the ${RUN_FILE_BYTES_MAX} bytes (RUN_FILE_BYTES_MAX) a recorded run file may have; record a shorter run, with fewer clients or operations`;

// ---------------------------------------------------------------------------------------------
// Encoding and decoding.

/** Checks `format` and `version` before the rest, so that another kind of file or a newer format
 * gets one clear message in place of a list of field errors. */
const checkHeader = (document: unknown): string | null => {
  if (!isRecord(document)) {
    return `(the document): expected a JSON object with the fields format, version, meta and run, got ${show(document)}`;
  }
  const format = document['format'];
  if (format !== RUN_FILE_FORMAT) {
    const got = format === undefined ? 'no format field' : `format ${show(format)}`;
    return `format: expected ${JSON.stringify(RUN_FILE_FORMAT)}, got ${got}, so this is not a shardcap recorded run file`;
  }
  const version = document['version'];
  if (!isInteger(version) || version < 1) {
    return `version: expected an integer of at least 1, got ${version === undefined ? 'no version field' : show(version)}`;
  }
  if (version > RUN_FILE_VERSION) {
    return `version: the file has format version ${version}, written by a newer shardcap; upgrade shardcap to read it (this one reads versions up to ${RUN_FILE_VERSION})`;
  }
  return null;
};

/** Encodes a run as pretty-printed JSON. `initialState` is left out, because decoding rebuilds it
 * from `nodes`, and fields that the format does not define are dropped. */
export const encodeRunFile = (run: RecordedRun, meta: RunFileMeta): string => {
  const document = { format: RUN_FILE_FORMAT, version: RUN_FILE_VERSION, meta, run } as const;
  return `${JSON.stringify(DocumentCodec.encode(document), null, 2)}\n`;
};

/** Decodes a recorded run file; on failure returns the problems, each with the path of the bad
 * value, one per line. */
export const decodeRunFile = (text: string): E.Either<string, DecodedRunFile> => {
  const sizeProblem = runFileSizeProblem(Buffer.byteLength(text, 'utf8'));
  if (sizeProblem !== null) {
    return E.left(sizeProblem);
  }

  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return E.left(`not JSON (${reason}); a recorded run file is one JSON object, as shardcap check --cluster writes it`);
  }

  const headerProblem = checkHeader(document);
  if (headerProblem !== null) {
    return E.left(headerProblem);
  }

  const decoded = DocumentCodec.decode(document);
  if (E.isLeft(decoded)) {
    return E.left(report(decoded.left.map(formatError)));
  }

  const body = decoded.right.run;
  const problems = checkAcrossFields(body);
  if (problems.length > 0) {
    return E.left(report(problems));
  }
  return E.right({ meta: decoded.right.meta, run: { ...body, initialState: initialState(body.nodes) } });
};
