/** The top of the report: system, verdict, violated checks in plain words, seed, path and replay command. */
import type { CampaignFailure } from '../../../properties/distributed/campaign.ts';
import { formatMs } from './diagram.ts';
import { escapeHtml } from './escape.ts';
import { CHECK_RULES, type CheckName, type Violation } from './violations.ts';

export interface HeaderInput {
  readonly failure: CampaignFailure;
  readonly system: string;
  readonly replayCommand: string;
  readonly generatedAt: string | undefined;
  readonly violations: ReadonlyArray<Violation>;
  /** Path of the recorded run file of a run with real timing, which cannot be replayed or shrunk.
   * Unset for the simulator's deterministic runs. */
  readonly kept?: string | undefined;
}

const opReference = (failure: CampaignFailure, id: number | null): string => {
  const op = id === null ? undefined : failure.run.ops.find((candidate) => candidate.id === id);
  if (op === undefined) {
    return '';
  }
  return `<a href="#op-${op.id}">#${op.id} ${escapeHtml(op.kind)} by c${op.client} at ${escapeHtml(formatMs(op.startMs))}</a>: `;
};

const renderCheck = (failure: CampaignFailure, check: CheckName, violations: ReadonlyArray<Violation>): string => {
  const items = violations.map(
    (violation) =>
      `<li>${opReference(failure, violation.op)}${escapeHtml(violation.summary)}` +
      (violation.detail === violation.summary
        ? ''
        : `<details><summary>checker's reason</summary><p class="detail">${escapeHtml(violation.detail)}</p></details>`) +
      '</li>',
  );
  return `<li><strong class="check">${escapeHtml(check)}</strong>: ${escapeHtml(CHECK_RULES[check])}<ul>${items.join('')}</ul></li>`;
};

const renderViolations = (failure: CampaignFailure, violations: ReadonlyArray<Violation>): string => {
  const byCheck = new Map<CheckName, Violation[]>();
  for (const violation of violations) {
    byCheck.set(violation.check, [...(byCheck.get(violation.check) ?? []), violation]);
  }
  const checks = [...byCheck].map(([check, list]) => renderCheck(failure, check, list));
  return checks.length === 0 ? '<p>No check named a violation.</p>' : `<ol class="violations">${checks.join('')}</ol>`;
};

/** Objects whose linearizability search ran out of budget: neither a pass nor a violation. */
const renderUnknown = (failure: CampaignFailure): string => {
  const unknown = [...failure.verdict.linearizability.objects].filter(([, verdict]) => verdict.verdict === 'unknown').map(([object]) => object);
  return unknown.length === 0
    ? ''
    : `<p class="note">The linearizability search ran out of budget on ${escapeHtml(unknown.join(', '))}, so those objects are not checked.</p>`;
};

const fact = (name: string, value: string): string => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd>`;

const renderFacts = (input: HeaderInput): string => {
  const { failure } = input;
  const history = failure.history;
  const rates = history.rates;
  const run = failure.run;
  return [
    '<dl class="facts">',
    fact('system', input.system),
    fact('verdict', failure.verdict.verdict),
    ...(input.kept === undefined
      ? [
          fact('seed', String(failure.seed)),
          fact('path', failure.path),
          fact('shrink steps', String(failure.shrinks)),
        ]
      : [fact('seed', `${failure.seed} (generates the histories, not their timing)`), fact('history', `${failure.path} of the campaign, counted from 1`)]),
    fact('cluster', `${history.nodeCount} ${history.nodeCount === 1 ? 'node' : 'nodes'} (${run.nodes.join(', ')}), ${history.clientCount} ${history.clientCount === 1 ? 'client' : 'clients'}`),
    input.kept === undefined
      ? fact('network', `drop rate ${rates.dropRate}, duplicate rate ${rates.duplicateRate}, delay up to ${rates.delayMsMax} ms, simulator seed ${history.seed}`)
      : fact('network', 'loopback TCP between real processes'),
    ...(input.kept === undefined ? [] : [fact('recorded run file', input.kept)]),
    fact('recorded', `${run.ops.length} operations, ${run.messages.length} messages, ${run.faults.length} scheduled faults, ${formatMs(run.endMs - run.startMs)}`),
    ...(input.generatedAt === undefined ? [] : [fact('generated', input.generatedAt)]),
    '</dl>',
  ].join('');
};

export const renderHeader = (input: HeaderInput): string =>
  [
    '<header>',
    `<h1>shardcap check: <span class="verdict">${escapeHtml(input.failure.verdict.verdict)}</span> in ${escapeHtml(input.system)}</h1>`,
    input.kept === undefined
      ? `<p>fast-check found a history that breaks a check and shrank it ${input.failure.shrinks} times; the run below is the smallest history that still fails.</p>`
      : '<p>A history run against real node processes broke a check. Its timing was real, so it can be neither replayed nor shrunk. The page shows the whole recorded run, and the recorded run file keeps it for checking again.</p>',
    '<h2>Violated checks</h2>',
    renderViolations(input.failure, input.violations),
    renderUnknown(input.failure),
    renderFacts(input),
    input.kept === undefined ? '<h2>Replay</h2>' : '<h2>Check again</h2>',
    `<pre class="replay">${escapeHtml(input.replayCommand)}</pre>`,
    '</header>',
  ].join('\n');
