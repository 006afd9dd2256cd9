/** `shardcap recheck FILE`: runs the checker again on a recorded run file, with a summary and exit status. */
import * as E from 'fp-ts/lib/Either.js';
import { readFile, stat } from 'node:fs/promises';
import { checkRun, listViolations, type RunVerdict } from '../../properties/distributed/check.ts';
import { decodeRunFile, runFileSizeProblem, type DecodedRunFile } from '../../properties/distributed/run-file.ts';
import { table, type CommandIo } from './check-command.ts';
import { formatFailureTrace } from './failure-trace.ts';
import { BUDGET_MAX, parseRecheckOptions, recheckHelp, type RecheckOptions } from './recheck-options.ts';

/** Factor by which the suggested --budget exceeds the one that ran out. */
const BUDGET_SUGGESTION_FACTOR = 10;

const systemErrorCode = (error: unknown): string | undefined =>
  error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;

/** Describes why a file could not be read, and what to do. */
const readProblem = (path: string, error: unknown): string => {
  switch (systemErrorCode(error)) {
    case 'ENOENT':
      return `cannot read ${path}: no such file; give the path of a recorded run file`;
    case 'EACCES':
    case 'EPERM':
      return `cannot read ${path}: permission denied; make the file readable or copy it somewhere readable`;
    case 'EISDIR':
      return `${path} is a directory; give the path of a recorded run file in it`;
    default:
      return `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`;
  }
};

/** Reads and decodes a recorded run file; on failure returns the message. */
export const loadRunFile = async (path: string): Promise<E.Either<string, DecodedRunFile>> => {
  let bytes: Uint8Array;
  try {
    const info = await stat(path);
    if (info.isDirectory()) {
      return E.left(`${path} is a directory; give the path of a recorded run file in it`);
    }
    // A FIFO or a device could block the read or never end.
    if (!info.isFile()) {
      return E.left(`${path} is not a regular file; give the path of a recorded run file`);
    }
    // Checked before reading, so that an oversized file costs no memory.
    const sizeProblem = runFileSizeProblem(info.size);
    if (sizeProblem !== null) {
      return E.left(`${path}: ${sizeProblem}`);
    }
    bytes = await readFile(path);
  } catch (error) {
    return E.left(readProblem(path, error));
  }

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return E.left(`${path} is not UTF-8 text; a recorded run file is JSON in UTF-8`);
  }
  const decoded = decodeRunFile(text);
  if (E.isLeft(decoded)) {
    const lines = decoded.left.split('\n').map((line) => `  ${line}`);
    return E.left(`invalid recorded run file ${path}:\n${lines.join('\n')}`);
  }
  return decoded;
};

const unknownObjects = (verdict: RunVerdict): string[] =>
  [...verdict.linearizability.objects.entries()].flatMap(([object, objectVerdict]) => (objectVerdict.verdict === 'unknown' ? [object] : []));

const counts = (file: DecodedRunFile) => ({
  ops: file.run.ops.length,
  finalReads: file.run.ops.filter((op) => op.final).length,
  faultsScheduled: file.run.faults.length,
  faultsApplied: file.run.faults.filter((fault) => fault.applied).length,
  messages: file.run.messages.length,
});

const summaryRows = (options: RecheckOptions, file: DecodedRunFile, verdict: RunVerdict): Array<readonly [string, string]> => {
  const { meta, run } = file;
  const count = counts(file);
  const reproducible = meta.deterministic
    ? 'yes: the command reproduces the run exactly'
    : 'no: the run depended on real timing, so this file is its only record';
  return [
    ['file', options.file],
    ['command', meta.command],
    ['seed', String(meta.seed)],
    ['history index', String(meta.index)],
    ['recorded at', meta.recordedAt],
    ['reproducible', reproducible],
    ['system', run.system],
    ['nodes', run.nodes.join(', ')],
    ['clients', String(run.history.clientCount)],
    ['operations', `${count.ops} (${count.finalReads} final ${count.finalReads === 1 ? 'read' : 'reads'})`],
    ['faults applied', `${count.faultsApplied} of ${count.faultsScheduled} scheduled`],
    ['messages', String(count.messages)],
    ['budget', `${options.budget} search nodes per object`],
    ['verdict', verdict.verdict],
  ];
};

const exitCodeOf = (verdict: RunVerdict): number => {
  switch (verdict.verdict) {
    case 'pass':
      return 0;
    case 'violation':
      return 1;
    case 'unknown':
      return 2;
  }
};

const printReport = (io: CommandIo, options: RecheckOptions, file: DecodedRunFile, verdict: RunVerdict): void => {
  io.stdout(`${table(summaryRows(options, file, verdict))}\n`);
  if (verdict.verdict === 'violation') {
    io.stdout(`\nviolation found; the recorded run:\n${formatFailureTrace(file.run, verdict)}\n`);
  }
  if (verdict.verdict === 'unknown') {
    const objects = unknownObjects(verdict);
    io.stdout(
      `\nthe checker ran out of budget on ${objects.length === 1 ? 'object' : 'objects'} ${objects.join(', ')} (verdict unknown); ` +
        `rerun with a larger budget, such as --budget ${Math.min(options.budget * BUDGET_SUGGESTION_FACTOR, BUDGET_MAX)}\n`,
    );
  }
};

const printJson = (io: CommandIo, options: RecheckOptions, file: DecodedRunFile, verdict: RunVerdict): void => {
  const summary = {
    file: options.file,
    meta: file.meta,
    system: file.run.system,
    nodes: file.run.nodes,
    clients: file.run.history.clientCount,
    ...counts(file),
    budget: options.budget,
    verdict: verdict.verdict,
    violations: listViolations(verdict),
    unknownObjects: unknownObjects(verdict),
  };
  io.stdout(`${JSON.stringify(summary)}\n`);
};

/** Runs `shardcap recheck` and returns the exit status. */
export const runRecheckCommand = async (argv: ReadonlyArray<string>, io: CommandIo): Promise<number> => {
  const parsed = parseRecheckOptions(argv);
  if (E.isLeft(parsed)) {
    io.stderr(`shardcap recheck: ${parsed.left}\nrun 'shardcap recheck --help' for the options\n`);
    return 2;
  }
  if (parsed.right === 'help') {
    io.stdout(`${recheckHelp()}\n`);
    return 0;
  }
  const options = parsed.right;

  const loaded = await loadRunFile(options.file);
  if (E.isLeft(loaded)) {
    io.stderr(`shardcap recheck: ${loaded.left}\n`);
    return 2;
  }
  const file = loaded.right;

  let verdict: RunVerdict;
  try {
    verdict = checkRun(file.run, options.budget);
  } catch (error) {
    // The checker throws TypeError on a malformed operation; decoding should have rejected it.
    if (error instanceof TypeError) {
      io.stderr(`shardcap recheck: invalid recorded run file ${options.file}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }

  if (options.json) {
    printJson(io, options, file, verdict);
  } else {
    printReport(io, options, file, verdict);
  }
  return exitCodeOf(verdict);
};
