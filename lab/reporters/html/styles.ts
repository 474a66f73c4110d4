/** The report's stylesheet, inlined so report.html is one file that works offline and as a CI artifact. */
export const STYLES = `
:root { --ok:#1a7f37; --bad:#cf222e; --crash:#8250df; --hang:#bc4c00; --skip:#6e7781; --err:#9a6700; --flaky:#0969da; --waived:#57606a; --gap:#7d4e00;
  --line:#d0d7de; --muted:#57606a; --soft:#f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2328; background: #fff; }
header { padding: 16px 24px 12px; border-bottom: 1px solid var(--line); background: var(--soft); }
header h1 { margin: 0 0 4px; font-size: 21px; }
.meta { color: var(--muted); font-size: 13px; }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 12px; color: #fff; font-weight: 600; margin-left: 6px; font-size: 13px; vertical-align: 2px; }
.verdict.passed, .verdict.gate-pass { background: var(--ok); } .verdict.failed, .verdict.gate-fail { background: var(--bad); }
.verdict.error { background: var(--err); } .verdict.interrupted { background: var(--skip); }
main { padding: 14px 24px 40px; }
.summary { display: grid; grid-template-columns: max-content 1fr; gap: 6px 14px; align-items: center; margin-bottom: 12px; }
.summary .total { font-weight: 600; }
.summary .chips { grid-column: 1 / -1; }
.bar { display: flex; height: 12px; border-radius: 6px; overflow: hidden; background: var(--soft); }
.bar .seg { min-width: 3px; }
.bg-passed { background: var(--ok); } .bg-failed { background: var(--bad); } .bg-crashed { background: var(--crash); } .bg-hung { background: var(--hang); }
.bg-error { background: var(--err); } .bg-flaky { background: var(--flaky); } .bg-skipped { background: #afb8c1; } .bg-waived { background: #8c959f; } .bg-inconclusive { background: #d4a72c; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; margin: 6px 0; }
.chip { border: 1px solid var(--line); background: #fff; border-radius: 14px; padding: 2px 10px; cursor: pointer; font: inherit; font-size: 13px; }
.chip[aria-pressed="true"] { outline: 2px solid #1f2328; }
.gate { border: 1px solid var(--line); border-left-width: 6px; border-radius: 6px; padding: 10px 14px; margin: 0 0 14px; }
.gate.gate-fail { border-left-color: var(--bad); background: #fff5f5; } .gate.gate-pass { border-left-color: var(--ok); background: #f4fbf6; }
.gate h2 { font-size: 16px; margin: 0 0 4px; }
.gate .reasons { margin: 6px 0; padding-left: 20px; }
.gate .expired { color: var(--bad); font-weight: 600; margin-top: 4px; }
.gate details { margin-top: 6px; }
.cls.regression { color: var(--bad); font-weight: 600; } .cls.new { color: var(--hang); } .cls.fixed { color: var(--ok); font-weight: 600; }
.cls.still-failing { color: #82071e; } .cls.waived, .cls.not-run, .cls.unchanged, .cls.removed { color: var(--muted); }
.controls { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 10px; }
.controls button { border: 1px solid var(--line); background: #fff; border-radius: 6px; padding: 4px 10px; cursor: pointer; font: inherit; }
.controls button[aria-pressed="true"] { background: #1f2328; color: #fff; border-color: #1f2328; }
.controls input { flex: 1; min-width: 220px; padding: 5px 10px; border: 1px solid var(--line); border-radius: 6px; font: inherit; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; font-size: 12px; color: var(--muted); text-transform: uppercase; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.case { cursor: pointer; } tr.case:hover, tr.case:focus { background: var(--soft); outline: none; }
tr.case[aria-expanded="true"] { background: #eef4ff; }
td.id { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; word-break: break-all; min-width: 360px; }
.twisty { color: var(--muted); }
td.msg { color: var(--muted); max-width: 520px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.st { font-weight: 600; white-space: nowrap; }
.st.passed { color: var(--ok); } .st.failed { color: var(--bad); } .st.crashed { color: var(--crash); } .st.hung { color: var(--hang); }
.st.skipped { color: var(--skip); } .st.error { color: var(--err); } .st.flaky { color: var(--flaky); } .st.waived { color: var(--waived); } .st.inconclusive { color: var(--gap); }
tr.detail > td { background: #fbfcfd; padding: 12px 16px 18px; }
.case-detail h3 { font-size: 15px; margin: 0 0 2px; }
.case-detail h4 { font-size: 13px; margin: 14px 0 6px; }
.waiver { background: #f6f8fa; border: 1px dashed #8c959f; border-radius: 6px; padding: 6px 10px; margin-top: 8px; }
.target-gap { background: #fff8c5; border: 1px dashed #d4a72c; border-radius: 6px; padding: 6px 10px; margin-top: 8px; }
.gate-mark { margin-top: 8px; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; overflow: auto; max-height: 420px; margin: 0;
  font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; white-space: pre; }
pre.message { white-space: pre-wrap; }
table.steps td, table.steps th { font-size: 12.5px; padding: 3px 6px; }
table.steps tr.bad td { background: #fff5f5; }
table.steps tr.not-run td { color: var(--muted); }
.case-detail ul.notes { margin: 0.4em 0; padding-left: 1.2em; color: var(--muted); }
td.vs .expected { color: var(--muted); font-size: 11.5px; }
td.vs .as-expected { color: var(--ok); }
td.vs.mismatch { background: #ffebe9 !important; }
td.vs.mismatch .actual { color: var(--bad); font-weight: 600; }
td.problems { color: var(--bad); }
table.hex { width: auto; font: 12px/1.35 ui-monospace, SFMono-Regular, Menlo, monospace; }
table.hex td, table.hex th { padding: 1px 8px; border-bottom: none; }
table.hex .b { padding: 0 2px; } table.hex .d { background: #ffcecb; color: #82071e; font-weight: 700; } table.hex .missing { color: #afb8c1; background: #fff0ee; }
table.hex td.off { color: var(--muted); }
.evidence pre.signature { color: var(--crash); font-weight: 600; white-space: pre-wrap; }
.timeline .lanes { display: flex; gap: 10px; flex-wrap: wrap; align-items: center; margin-bottom: 4px; font-size: 12.5px; }
table.tl { font: 12px/1.35 ui-monospace, SFMono-Regular, Menlo, monospace; }
table.tl td { padding: 1px 8px; border-bottom: 1px solid #eaeef2; }
table.tl td.line { white-space: pre-wrap; word-break: break-all; }
table.tl tr.bad td { background: #ffebe9; color: #82071e; }
table.tl tr.tl-step td.line { font-weight: 600; }
.tag { display: inline-block; border-radius: 4px; padding: 0 5px; margin-right: 3px; font: 11px/1.6 system-ui, sans-serif; white-space: nowrap; }
.tag.dbgprint { background: #ddf4ff; } .tag.driver-log { background: #fff8c5; } .tag.guest { background: #dafbe1; } .tag.target { background: #ffebe9; } .tag.step { background: #eaeef2; }
button.more { border: 1px solid var(--line); background: #fff; border-radius: 6px; padding: 2px 8px; cursor: pointer; font: inherit; font-size: 12px; margin-top: 4px; }
.empty { color: var(--muted); padding: 24px 0; }
.warn { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: 8px 12px; margin-bottom: 12px; }
@media print {
  .controls, button.more, .lanes { display: none !important; }
  header { background: #fff; }
  pre { max-height: none; overflow: visible; white-space: pre-wrap; word-break: break-all; }
  tr.case, tr.detail { break-inside: avoid-page; }
  td.msg { white-space: normal; }
}
`;
