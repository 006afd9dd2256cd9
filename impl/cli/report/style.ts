/** The report's stylesheet, inlined into the page so the file needs nothing else. */
import { FONT_PX } from './limits.ts';

const RED = '#c62828';

export const STYLE = `
:root { color-scheme: light; }
body { margin: 0; padding: 16px 24px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #1d232a; background: #fff; }
h1 { font-size: 22px; margin: 0 0 6px; }
h1 .verdict { color: ${RED}; }
h2 { font-size: 17px; margin: 22px 0 8px; }
header, .prose { max-width: 1100px; }
ol.violations > li { margin-bottom: 10px; }
ol.violations ul { margin: 4px 0; padding-left: 20px; }
ol.violations ul li { color: ${RED}; overflow-wrap: anywhere; }
.check { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
details { color: #1d232a; }
details summary { cursor: pointer; color: #555; font-size: 13px; }
.detail { font: 12px/1.4 "DejaVu Sans Mono", Menlo, Consolas, monospace; overflow-wrap: anywhere; margin: 4px 0; }
.note { color: #8a5a00; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 14px 0; }
dl.facts dt { color: #555; }
dl.facts dd { margin: 0; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; overflow-wrap: anywhere; }
pre.replay { background: #f3f5f7; border: 1px solid #d0d7de; border-radius: 4px; padding: 10px 12px; white-space: pre-wrap; overflow-wrap: anywhere; user-select: all; font-size: 13px; }
ul.legend { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 4px 18px; max-width: 1100px; }
ul.legend li { display: flex; align-items: center; gap: 8px; font-size: 13px; }
ul.legend svg { flex: none; }
.diagram-wrap { width: max-content; border: 1px solid #d0d7de; border-radius: 4px; }
svg.heads { position: sticky; top: 0; display: block; background: #fff; border-bottom: 1px solid #d0d7de; z-index: 1; }
svg.diagram { display: block; }
svg text { font: ${FONT_PX}px "DejaVu Sans Mono", Menlo, Consolas, monospace; fill: #1d232a; }
.halo { paint-order: stroke; stroke: #fff; stroke-width: 4px; stroke-linejoin: round; }
.head rect { stroke-width: 1.2; }
.head.client rect { fill: #e3eefc; stroke: #3b6fb6; }
.head.node rect, .head.other rect { fill: #eef0f2; stroke: #6b7580; }
.head text { font-weight: bold; }
.axis-title { fill: #555; }
.axis-label { fill: #6b7580; font-size: 10px; }
.grid { stroke: #eef0f2; stroke-width: 1; }
.lifeline { stroke: #9aa4ae; stroke-width: 1.2; }
.down-gap { stroke: #fff; stroke-width: 4; }
.down-line { stroke: ${RED}; stroke-width: 1.6; stroke-dasharray: 5 4; opacity: 0.75; }
.bar { stroke-width: 1.2; }
.bar.ok { fill: #7fa9e0; stroke: #3b6fb6; }
.bar.refused { fill: #f2c46d; stroke: #b07a10; }
.bar.invalid { fill: #c6a6e0; stroke: #6a3d9a; }
.bar.indeterminate { fill: #f3f5f7; stroke: #6b7580; stroke-dasharray: 4 3; }
.bar.violating { fill: ${RED}; stroke: #7f0000; stroke-width: 2; }
.bar.violating.indeterminate { fill: #fbe3e3; stroke: ${RED}; }
.op.violating .op-label { fill: ${RED}; font-weight: bold; }
.reason { fill: ${RED}; }
.message line { stroke: #6b7580; stroke-width: 1; }
.message-label { fill: #4a5560; font-size: 10px; }
.arrow-head { fill: #6b7580; }
.message.violating line { stroke: ${RED}; stroke-width: 1.4; }
.message.violating .message-label { fill: ${RED}; }
.arrow-head.violating { fill: ${RED}; }
.crash-mark { stroke: ${RED}; stroke-width: 3; stroke-linecap: round; fill: none; }
.restart-mark { fill: #fff; stroke: #2e7d32; stroke-width: 2.5; }
.skipped-mark { fill: #fff; stroke: #9aa4ae; stroke-width: 1.5; stroke-dasharray: 2 2; }
.partition-line { stroke: #e07000; stroke-width: 2; stroke-dasharray: 6 3; }
.pause-mark rect { fill: #7b1fa2; }
.resume-mark { fill: #fff; stroke: #7b1fa2; stroke-width: 2; }
.disconnect-line { stroke: #7b1fa2; stroke-width: 2; stroke-dasharray: 2 4; }
.partition-line.skipped { stroke: #9aa4ae; }
.heal-line { stroke: #2e7d32; stroke-width: 1.5; stroke-dasharray: 6 3; }
.final-line { stroke: #3b6fb6; stroke-width: 1.5; stroke-dasharray: 10 4; }
.fault-label { fill: #1d232a; }
.fault.crash .fault-label { fill: ${RED}; }
.fault.restart .fault-label, .fault.heal .fault-label { fill: #2e7d32; }
.fault.partition .fault-label { fill: #b35900; }
.fault.not-applied .fault-label { fill: #7a848e; }
.final-label { fill: #3b6fb6; }
.break-band { fill: #fff; opacity: 0.92; }
.break-edge { fill: none; stroke: #9aa4ae; stroke-width: 1.2; }
.break-label { fill: #555; font-style: italic; }
table.trace { border-collapse: collapse; font: 12.5px/1.4 "DejaVu Sans Mono", Menlo, Consolas, monospace; margin-top: 8px; }
table.trace th { text-align: left; background: #f3f5f7; border-bottom: 1px solid #d0d7de; padding: 4px 10px; position: sticky; top: 0; }
table.trace td { padding: 2px 10px; border-bottom: 1px solid #eef0f2; vertical-align: top; }
table.trace td.time { text-align: right; white-space: nowrap; color: #555; }
table.trace td.event { overflow-wrap: anywhere; max-width: 1000px; }
table.trace tr.message td { color: #5b6670; }
table.trace tr.fault td, table.trace tr.final-phase td { background: #fff8ec; }
table.trace tr.violating td { color: ${RED}; }
table.trace tr.violating td.event { font-weight: bold; }
table.trace tr:target td { background: #fde7e7; }
table.trace .reason { font-weight: normal; }
`;
