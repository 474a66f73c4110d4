/** The report's stylesheet, inlined so report.html is one file that works offline and as a CI artifact. */
export const STYLES = `
:root { --ok:#1a7f37; --bad:#cf222e; --crash:#8250df; --hang:#bc4c00; --skip:#6e7781; --err:#9a6700; --flaky:#0969da; --line:#d0d7de; --muted:#57606a; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2328; background: #fff; }
header { padding: 16px 24px; border-bottom: 1px solid var(--line); background: #f6f8fa; }
header h1 { margin: 0 0 4px; font-size: 20px; }
header .meta { color: var(--muted); font-size: 13px; }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 12px; color: #fff; font-weight: 600; margin-left: 8px; font-size: 13px; }
.verdict.passed { background: var(--ok); } .verdict.failed { background: var(--bad); } .verdict.error { background: var(--err); } .verdict.interrupted { background: var(--skip); }
main { padding: 16px 24px; }
.controls { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 12px; }
.controls button { border: 1px solid var(--line); background: #fff; border-radius: 6px; padding: 4px 10px; cursor: pointer; font: inherit; }
.controls button[aria-pressed="true"] { background: #1f2328; color: #fff; border-color: #1f2328; }
.controls input { flex: 1; min-width: 220px; padding: 5px 10px; border: 1px solid var(--line); border-radius: 6px; font: inherit; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; font-size: 12px; color: var(--muted); text-transform: uppercase; }
tr.case { cursor: pointer; } tr.case:hover { background: #f6f8fa; }
td.id { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; word-break: break-all; }
td.msg { color: var(--muted); max-width: 520px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.st { font-weight: 600; white-space: nowrap; }
.st.passed { color: var(--ok); } .st.failed { color: var(--bad); } .st.crashed { color: var(--crash); } .st.hung { color: var(--hang); }
.st.skipped { color: var(--skip); } .st.error { color: var(--err); } .st.flaky { color: var(--flaky); }
tr.detail > td { background: #fbfcfd; padding: 12px 16px 18px; }
.detail h3 { font-size: 13px; margin: 14px 0 6px; }
.detail h3:first-child { margin-top: 0; }
pre { background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; overflow: auto; max-height: 420px; margin: 0; font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; white-space: pre; }
table.steps td, table.steps th { font-size: 12.5px; padding: 3px 6px; }
table.steps tr.bad td { background: #ffebe9; }
.summary-counts span { margin-right: 14px; }
.empty { color: var(--muted); padding: 24px 0; }
.warn { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: 8px 12px; margin-bottom: 12px; }
`;
