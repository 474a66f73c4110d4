/**
 * fuzz.html: the run at a glance (verdict, seed, calls, rate), each finding with its minimized case and
 * evidence, what was seen once and not again, and the coverage table: which (code, handle access) answered
 * what. Self-contained like report.html (lab/page/): the data rides as JSON in a non-executed element and
 * the script builds the page with textContent, so whatever a driver printed stays text.
 */
import { CLIENT_DOM } from '../page/client-dom.js';
import { renderStaticPage } from '../page/static-page.js';
import { describeNtStatus } from '../status-codes/ntstatus.js';
import { describeWin32Error } from '../status-codes/win32-errors.js';
import { handled } from './coverage.js';
import type { FuzzReport } from './fuzz-report.js';

export function renderFuzzPage(report: FuzzReport): string {
  const answers = new Set(report.coverage.flatMap((row) => Object.keys(row.answers)));
  const answerNames: Record<string, string> = {};
  for (const a of answers) answerNames[a] = a.startsWith('0x') ? describeNtStatus(Number(a)) : a.startsWith('error ') ? `error ${describeWin32Error(Number(a.slice(6)))}` : a;
  // Which rows are the attack surface is decided here, once, with the rule the report's readers share.
  const surface = report.coverage.map(handled);
  return renderStaticPage({ fallbackTitle: 'lab fuzz', styles: STYLES, skeleton: SKELETON, data: { report, answerNames, surface }, script: SCRIPT });
}

const SKELETON = `<header id="header"></header>
<main>
<section id="findings"></section>
<section id="unreproduced"></section>
<section id="coverage"></section>
<section id="notes"></section>
</main>`;

const STYLES = `
:root { --line:#d0d7de; --muted:#57606a; --soft:#f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2328; }
header { padding: 16px 24px 12px; border-bottom: 1px solid var(--line); background: var(--soft); }
header h1 { margin: 0 0 4px; font-size: 21px; }
h2 { font-size: 16px; margin: 22px 0 8px; }
h3 { font-size: 14.5px; margin: 0 0 6px; }
main { padding: 12px 24px 40px; }
.meta { color: var(--muted); font-size: 13px; }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 12px; color: #fff; font-weight: 600; font-size: 13px; vertical-align: 2px; background: #6e7781; }
.verdict.clean { background: #1a7f37; } .verdict.findings { background: #cf222e; } .verdict.error { background: #9a6700; }
.finding { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin: 0 0 14px; }
.kind { font-weight: 600; } .kind.crash { color: #8250df; } .kind.hang { color: #bc4c00; } .kind.divergence { color: #cf222e; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; overflow-x: auto; font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; margin: 6px 0; white-space: pre-wrap; word-break: break-all; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; font-size: 12px; color: var(--muted); text-transform: uppercase; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; white-space: nowrap; }
.answer { display: inline-block; margin: 0 8px 2px 0; font-size: 12.5px; }
.answer.bad { color: #57606a; }
.warn { color: #9a6700; }
ul { margin: 4px 0; padding-left: 20px; }
details > summary { cursor: pointer; color: #0969da; }
`;

const SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('lab-data').textContent);
  var r = data.report;
  ${CLIENT_DOM}
  var NOT_HANDLED = { '0xC0000010': 1, '0xC00000BB': 1, '0xC0000002': 1 };

  function hex(n, width) { var s = (n >>> 0).toString(16).toUpperCase(); while (s.length < width) s = '0' + s; return '0x' + s; }
  function sec(ms) { return (ms / 1000).toFixed(1) + ' s'; }

  function header() {
    var root = document.getElementById('header');
    root.appendChild(el('h1', null, ['lab fuzz: ' + r.suite + ' on ' + r.target + ' ', el('span', { className: 'verdict ' + r.status, text: r.status })]));
    var e = r.exploration;
    root.appendChild(el('div', { className: 'meta', text: 'seed ' + r.seed + ' \\u00b7 budget ' + r.options.budget + ' \\u00b7 ' + e.calls.toLocaleString('en') + ' calls in ' + sec(e.durationMs) + ' (' + e.callsPerSecond.toLocaleString('en') + '/s) \\u00b7 ' + e.batches + (e.batches === 1 ? ' batch' : ' batches') + ' \\u00b7 ' + plural(e.codes, 'code') + ' called, ' + data.surface.filter(Boolean).length + ' (code, handle) answering \\u00b7 ' + plural(r.findings.length, 'finding') + (r.replayOf ? ' \\u00b7 replay of ' + r.replayOf : '') }));
    root.appendChild(el('div', { className: 'meta', text: 'driver ' + r.driver.path + ' (sha256 ' + r.driver.sha256.slice(0, 12) + ', ' + (r.driver.signed ? 'signed' : 'unsigned') + ') \\u00b7 suite ' + r.suiteFile + ' \\u00b7 started ' + r.startedAt + ' \\u00b7 ' + sec(r.durationMs) + ' in all' }));
    root.appendChild(el('div', { className: 'meta', text: 'replay: lab fuzz ' + r.suiteFile + ' --seed ' + r.seed + ' --replay <this folder>' }));
    if (r.error) root.appendChild(el('div', { className: 'warn', text: r.error.code + ': ' + r.error.message }));
    document.title = 'lab fuzz: ' + r.suite + ' (' + r.status + ')';
  }

  function evidence(ev, title) {
    if (!ev) return null;
    var parts = [el('div', { text: title + ': ' + ev.signature })];
    if (ev.backtrace) parts.push(el('details', null, [el('summary', { text: 'backtrace' }), el('pre', { text: ev.backtrace })]));
    if (ev.lastLines && ev.lastLines.length) parts.push(el('details', null, [el('summary', { text: 'debug lines before it' }), el('pre', { text: ev.lastLines.join('\\n') })]));
    return el('div', null, parts);
  }

  function finding(f) {
    var first = f.first;
    return el('div', { className: 'finding', id: f.id }, [
      el('h3', null, [f.id + ' ', el('span', { className: 'kind ' + f.kind, text: f.kind }), f.site ? ' at ' + f.site : '', f.confirmed ? '' : ' (not confirmed)']),
      el('div', { text: f.summary }),
      el('div', { className: 'meta', text: 'first seen in batch ' + first.batch + ' after ' + sec(first.atMs) + ' and ' + first.afterCalls.toLocaleString('en') + ' calls; in ' + plural(f.seen, 'batch') + ' in all \\u00b7 ' + f.confirmation }),
      el('div', { className: 'meta', text: 'minimized to ' + plural(f.minimized.calls, 'call') + ' in ' + plural(f.minimized.trials, 'trial') + ':' }),
      el('ul', null, f.minimized.steps.map(function (s) { return el('li', { text: s }); })),
      el('div', { text: 'The case (findings.yaml):' }),
      el('pre', { text: f.minimized.yaml }),
      f.problem ? el('div', { text: 'rule broken: ' + f.problem }) : null,
      evidence(f.minimized.evidence, 'fault of the minimized case'),
      f.minimized.evidence ? null : evidence(f.evidence, 'fault'),
    ]);
  }

  function findings() {
    var root = document.getElementById('findings');
    root.appendChild(el('h2', { text: 'Findings (' + r.findings.length + ')' }));
    if (!r.findings.length) root.appendChild(el('div', { className: 'meta', text: r.status === 'clean' ? 'None: the budget ran out with no crash, hang or broken rule.' : 'None.' }));
    r.findings.forEach(function (f) { root.appendChild(finding(f)); });
    var un = document.getElementById('unreproduced');
    if (r.notReproduced.length) {
      un.appendChild(el('h2', { text: 'Seen once, not reproduced (' + r.notReproduced.length + ')' }));
      r.notReproduced.forEach(function (s) {
        un.appendChild(el('div', { className: 'finding' }, [el('h3', null, [el('span', { className: 'kind ' + s.kind, text: s.kind }), ' in batch ' + s.first.batch]), el('div', { text: s.summary }), evidence(s.evidence, 'fault')]));
      });
    }
    var stops = r.targetStops || [];
    if (stops.length) {
      un.appendChild(el('h2', { text: 'The target stopped in its own code, not in the driver (' + stops.length + ')' }));
      stops.forEach(function (s) {
        un.appendChild(el('div', { className: 'finding' }, [el('h3', null, ['in batch ' + s.first.batch + ', ' + (s.seen === 1 ? '1 batch' : s.seen + ' batches')]), el('div', { text: s.why }), el('div', { className: 'meta', text: s.summary }), evidence(s.evidence, 'stop')]));
      });
    }
  }

  function row(c) {
    var answers = Object.keys(c.answers).map(function (a) {
      return el('span', { className: 'answer' + (NOT_HANDLED[a] ? ' bad' : ''), text: (data.answerNames[a] || a) + ' \\u00d7' + c.answers[a] });
    });
    return el('tr', null, [
      el('td', { className: 'code', text: hex(c.code, 8) }), el('td', { text: c.name || '' }), el('td', { className: 'code', text: hex(c.deviceType, 4) }),
      el('td', { className: 'code', text: hex(c['function'], 3) }), el('td', { text: c.method }), el('td', { text: c.access }), el('td', { text: c.handle }),
      el('td', { className: 'num', text: c.calls.toLocaleString('en') }), el('td', null, answers),
    ]);
  }

  function table(rows, limit) {
    var head = el('tr', null, ['code', 'name', 'device type', 'function', 'method', 'access', 'handle', 'calls', 'answers'].map(function (h) { return el('th', { text: h }); }));
    return el('table', null, [el('thead', null, [head]), el('tbody', null, rows.slice(0, limit).map(row))]);
  }

  function coverage() {
    var root = document.getElementById('coverage');
    var live = r.coverage.filter(function (c, i) { return data.surface[i]; });
    root.appendChild(el('h2', { text: 'Coverage: what answered' }));
    root.appendChild(el('div', { className: 'meta', text: plural(live.length, '(code, handle access) pair') + ' reached the driver and answered something other than "not handled" (invalid device request, not supported, not implemented); ' + (r.coverage.length - live.length) + ' answered only that, or were refused by the I/O manager (a handle without the access the code asks for).' }));
    root.appendChild(table(live, 5000));
    var all = el('details', null, [el('summary', { text: 'every (code, handle) called (' + r.coverage.length + (r.coverage.length > 5000 ? ', the first 5000 shown' : '') + ')' }), table(r.coverage, 5000)]);
    root.appendChild(all);
  }

  function notes() {
    var root = document.getElementById('notes');
    if (r.faults.length) {
      root.appendChild(el('h2', { text: 'Faults outside any call' }));
      root.appendChild(el('ul', null, r.faults.map(function (w) { return el('li', { text: w }); })));
    }
    if (r.warnings.length) {
      root.appendChild(el('h2', { text: 'Warnings (lab or the target, not the driver)' }));
      root.appendChild(el('ul', null, r.warnings.map(function (w) { return el('li', { className: 'warn', text: w }); })));
    }
  }

  header();
  findings();
  coverage();
  notes();
  document.body.setAttribute('data-ready', 'true');
})();
`;
