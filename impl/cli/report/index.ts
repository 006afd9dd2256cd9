/**
 * The HTML failure report of `shardcap check --report DIR`: one self-contained page with the
 * violated checks, a sequence diagram of the shrunk history and the same history as a table.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CampaignFailure } from '../../../properties/distributed/campaign.ts';
import { layoutDiagram } from './layout.ts';
import { renderPage } from './page.ts';
import { createReportDirectory } from '../report-directory.ts';
import { buildTrace } from './trace.ts';
import { collectViolations, violationsByOp } from './violations.ts';

export interface ReportInput {
  readonly failure: CampaignFailure;
  /** Name of the system under test, as the report's title shows it. */
  readonly system: string;
  /** Shell command that replays the failure, shown for copying. */
  readonly replayCommand: string;
  /** When the report was made, as the caller wants it printed; omitted from the page when absent. */
  readonly generatedAt?: string;
  /** Path of the recorded run file, for a run with real timing that cannot be replayed. */
  readonly kept?: string;
}

/** Renders the report page of a failure as HTML text. */
export const renderReport = (input: ReportInput): string => {
  const trace = buildTrace(input.failure);
  const violations = collectViolations(input.failure);
  const byOp = violationsByOp(violations);
  const violatingRequests = new Set(
    input.failure.run.ops.flatMap((op) => (byOp.has(op.id) && op.requestId !== null ? [op.requestId] : [])),
  );
  return renderPage({
    failure: input.failure,
    system: input.system,
    replayCommand: input.replayCommand,
    generatedAt: input.generatedAt,
    kept: input.kept,
    violations,
    trace,
    layout: layoutDiagram(trace, byOp),
    violationsByOp: byOp,
    violatingRequests,
  });
};

/** Writes the report of a failure to `dir/index.html`, creating `dir` if it is missing, and returns the file's path. */
export const writeReport = async (dir: string, input: ReportInput): Promise<string> => {
  await createReportDirectory(dir);
  const path = join(dir, 'index.html');
  await writeFile(path, renderReport(input), 'utf8');
  return path;
};
