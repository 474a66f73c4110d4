/** The history page's stylesheet (inlined): the report's look, plus the chart and the status cells. */
export const HISTORY_STYLES = `
:root { --line:#d0d7de; --muted:#57606a; --soft:#f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2328; }
header { padding: 16px 24px 12px; border-bottom: 1px solid var(--line); background: var(--soft); }
header h1 { margin: 0 0 4px; font-size: 21px; }
h2 { font-size: 16px; margin: 22px 0 8px; }
.meta { color: var(--muted); font-size: 13px; }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 12px; color: #fff; font-weight: 600; font-size: 13px; vertical-align: 2px; background: #6e7781; }
.verdict.passed { background: #1a7f37; } .verdict.failed { background: #cf222e; } .verdict.error { background: #9a6700; }
main { padding: 12px 24px 40px; }
.chart svg { display: block; max-width: 1100px; }
.legend { display: flex; gap: 14px; flex-wrap: wrap; font-size: 12.5px; color: var(--muted); margin-top: 4px; }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
.swatch.line { height: 3px; background: #0969da; vertical-align: 3px; }
.swatch.dash { width: 3px; height: 12px; border-left: 2px dashed #8c959f; border-radius: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: middle; }
th { font-weight: 600; font-size: 12px; color: var(--muted); text-transform: uppercase; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.id { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; word-break: break-all; }
td.msg { color: var(--muted); }
tr.case { cursor: pointer; } tr.case:hover, tr.case:focus { background: var(--soft); outline: none; }
tr.detail > td { background: #fbfcfd; padding: 8px 16px 14px; }
.strip { display: inline-flex; gap: 2px; }
.cell { display: inline-block; width: 12px; height: 16px; border-radius: 2px; background: #eaeef2; }
.cell.passed { background: #1a7f37; } .cell.failed { background: #cf222e; } .cell.crashed { background: #8250df; } .cell.hung { background: #bc4c00; }
.cell.error { background: #9a6700; } .cell.flaky { background: #0969da; } .cell.waived { background: #8c959f; } .cell.inconclusive { background: #d4a72c; } .cell.skipped { background: #d0d7de; }
.cell.absent { background: #fff; border: 1px dashed #d0d7de; }
.st { font-weight: 600; } .st.passed { color: #1a7f37; } .st.failed { color: #cf222e; } .st.crashed { color: #8250df; } .st.hung { color: #bc4c00; }
  .st.error { color: #9a6700; } .st.flaky { color: #0969da; } .st.waived { color: #57606a; } .st.inconclusive { color: #7d4e00; }
.controls { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 8px; }
.controls button { border: 1px solid var(--line); background: #fff; border-radius: 6px; padding: 4px 10px; cursor: pointer; font: inherit; }
.controls button[aria-pressed="true"] { background: #1f2328; color: #fff; border-color: #1f2328; }
.controls input { flex: 1; min-width: 220px; padding: 5px 10px; border: 1px solid var(--line); border-radius: 6px; font: inherit; }
.spark { display: block; }
.empty { color: var(--muted); padding: 16px 0; }
`;
