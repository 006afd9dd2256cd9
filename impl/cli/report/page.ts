/** The whole report page: header, legend, diagram and trace table in one self-contained HTML file. */
import { renderDiagramBody, renderHeads } from './diagram.ts';
import { escapeHtml } from './escape.ts';
import { renderHeader, type HeaderInput } from './header.ts';
import type { Layout } from './layout.ts';
import { renderLegend } from './legend.ts';
import { STYLE } from './style.ts';
import { renderTable } from './table.ts';
import type { Trace } from './trace.ts';
import type { Violation } from './violations.ts';

export interface PageInput extends HeaderInput {
  readonly trace: Trace;
  readonly layout: Layout;
  readonly violationsByOp: ReadonlyMap<number, ReadonlyArray<Violation>>;
  readonly violatingRequests: ReadonlySet<string>;
}

export const renderPage = (input: PageInput): string =>
  [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // No resource outside this file may load, even if a value slipped through as markup.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${escapeHtml(`shardcap check: ${input.failure.verdict.verdict} in ${input.system}`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    renderHeader(input),
    '<section>',
    `<h2>Sequence diagram of the ${input.kept === undefined ? 'shrunk' : 'recorded'} history</h2>`,
    '<p class="prose">Time flows down. Each client and node has a lifeline; client operations are bars from start to response, labelled with the operation and its outcome. Hover a mark for its full text.</p>',
    renderLegend(),
    `<div class="diagram-wrap">${renderHeads(input.layout)}${renderDiagramBody(input.trace, input.layout, input.violatingRequests)}</div>`,
    '</section>',
    '<section>',
    '<h2>Trace</h2>',
    '<p class="prose">Every event of the diagram, one per line, in time order.</p>',
    renderTable(input.trace, input.violationsByOp, input.violatingRequests),
    '</section>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
