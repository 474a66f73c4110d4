/**
 * One case opened: why it did not pass, the waiver or the baseline's verdict, each step's actual values
 * against the expected ones (mismatches marked), hex diffs, crash evidence, earlier attempts, and the
 * merged timeline.
 */
export const CLIENT_CASE_DETAIL = String.raw`
  var CLASS_EXPLAIN = {
    regression: 'passed in the baseline, fails now',
    fixed: 'failed in the baseline, passes now',
    'still-failing': 'failed in the baseline and fails now',
    'new': 'not in the baseline (or not run there)',
    waived: 'a known failure, covered by a waiver',
    unchanged: 'passed in the baseline and passes now',
    'not-run': 'not run in this run (skipped, or the harness could not run it)'
  };

  function caseDetail(c) {
    var box = el('div', { className: 'case-detail' });
    box.appendChild(el('h3', { text: c.name }));
    var facts = [c.id];
    if (c.source) facts.push('defined at ' + c.source);
    if (c.params) facts.push('parameters ' + JSON.stringify(c.params));
    if (c.blame) facts.push('blame: ' + c.blame);
    facts.push(ms(c.durationMs));
    box.appendChild(el('div', { className: 'meta', text: facts.join(' \u00b7 ') }));
    if (c.waiver) {
      var w = c.waiver;
      box.appendChild(el('div', { className: 'waiver' }, [
        el('strong', { text: 'Waived: ' }), 'really ' + w.status + '. ' + w.reason + ' ',
        w.link ? link(w.link) : null,
        el('div', { className: 'meta', text: 'waiver ' + w.match + ' at ' + w.source + ', holds through ' + w.expires }),
      ]));
    }
    if (c.targetGap) {
      var g = c.targetGap;
      box.appendChild(el('div', { className: 'target-gap' }, [
        el('strong', { text: 'Inconclusive: ' }), 'the target does not implement ' + g.functions.join(', ') + '. ' + g.detail + ' ',
        el('div', { className: 'meta', text: 'on this target it would have been ' + g.was.status + (g.was.blame ? ' (' + g.was.blame + ')' : '') + '; run it on ' + g.runOn }),
      ]));
    }
    if (c.gate) box.appendChild(el('div', { className: 'gate-mark cls ' + c.gate.class, text: 'Against the baseline: ' + CLASS_ONE[c.gate.class] + ' \u2014 ' + CLASS_EXPLAIN[c.gate.class] + (c.gate.baselineStatus ? ' (was ' + c.gate.baselineStatus + ')' : '') }));
    if (c.message) { box.appendChild(el('h4', { text: 'Why' })); box.appendChild(el('pre', { className: 'message', text: whyText(c) })); }
    if (c.notes && c.notes.length) box.appendChild(el('ul', { className: 'notes' }, c.notes.map(function (n) { return el('li', { text: n }); })));
    if (c.steps && c.steps.length) { box.appendChild(el('h4', { text: 'Steps: actual against expected' })); box.appendChild(stepsTable(c.steps)); }
    (c.steps || []).forEach(function (s) {
      var diff = hexDiff(s);
      if (diff) { box.appendChild(el('h4', { text: 'Step ' + s.index + ': output bytes, expected against actual' })); box.appendChild(diff); }
      if (s.parallel) { box.appendChild(el('h4', { text: 'Step ' + s.index + ': ' + s.parallel.threads + ' threads \u00d7 ' + s.parallel.iterations + ' iterations' })); box.appendChild(parallelTable(s.parallel)); }
    });
    if (c.evidence) box.appendChild(evidence(c.evidence));
    if (c.attempts && c.attempts.length) {
      box.appendChild(el('h4', { text: 'Earlier attempts' }));
      box.appendChild(el('ol', { className: 'attempts' }, c.attempts.map(function (a) { return el('li', { text: a.status + (a.blame ? ' (' + a.blame + ')' : '') + (a.message ? ': ' + a.message.split('\n')[0] : '') }); })));
    }
    box.appendChild(timeline(c));
    return box;
  }

  /** The message without the text hex dumps it carries: the grid below shows them better. */
  function whyText(c) {
    var text = c.message;
    (c.steps || []).forEach(function (s) {
      if (s.diff && s.diff.text && s.expected && s.expected.output !== undefined && s.output !== undefined) text = text.split(s.diff.text).join('(hex diff below)');
    });
    return text.replace(/(\n\(hex diff below\))+/g, '\n(hex diff below)');
  }

  function stepName(s) {
    if (s.parallel) return 'parallel';
    if (s.kind === 'ioctl') return (s.ioctlName || 'IOCTL') + (s.ioctl !== undefined ? ' 0x' + (s.ioctl >>> 0).toString(16) : '');
    return s.kind + (s.implicit ? ' (implicit)' : '');
  }

  function shortHex(hex) {
    if (hex === undefined || hex === null) return '';
    var bytes = String(hex).match(/../g) || [];
    return bytes.length === 0 ? '(empty)' : bytes.slice(0, 12).join(' ') + (bytes.length > 12 ? ' \u2026 (' + bytes.length + ' bytes)' : '');
  }

  /** A cell showing the actual value, and the expected one under it when the step expected something. */
  function versus(actual, expected, display) {
    var has = expected !== undefined;
    var same = !has || String(actual) === String(expected);
    var show = display || function (v) { return v === undefined || v === null ? '' : String(v); };
    if (same) return el('td', { className: 'vs', title: has ? 'as expected' : 'nothing expected' }, [el('span', { className: 'actual', text: show(actual) }), has ? el('span', { className: 'as-expected', text: ' \u2713' }) : null]);
    return el('td', { className: 'vs mismatch' }, [el('div', { className: 'actual', text: show(actual) }), el('div', { className: 'expected', text: 'expected ' + show(expected) })]);
  }

  function stepsTable(steps) {
    var head = el('tr', null, ['#', 'step', 'in', 'out', 'error', 'status', 'bytes returned', 'output', 'time', 'problems'].map(function (t) { return el('th', { text: t }); }));
    var rows = steps.map(function (s) {
      var ex = s.expected || {};
      var error = s.error === null ? 'not run' : s.error;
      var statusCell = s.status === undefined || s.status === null ? el('td', { className: 'vs', text: ex.status !== undefined ? 'expected ' + describeStatus(ex.status) : '' }) : versus(s.status, ex.status, describeStatus);
      var exitCell = s.kind === 'run' ? versus(s.exitCode, ex.exitCode, function (v) { return v === undefined || v === null ? '' : 'exit ' + v; }) : versus(error, ex.error, function (v) { return v === undefined || v === null ? '' : v === 'not run' ? v : describeError(v); });
      var outCell = s.kind === 'run' ? el('td', { className: 'vs' }, [el('div', { className: 'actual', text: (s.stdout || '').split('\n')[0] }), ex.stdoutContains ? el('div', { className: 'expected', text: 'expected to contain ' + JSON.stringify(ex.stdoutContains) }) : null]) : versus(s.output, ex.output, shortHex);
      return el('tr', { className: s.notRun ? 'not-run' : s.ok ? 'ok' : 'bad', 'data-step': String(s.index) }, [
        el('td', { text: String(s.index) }),
        el('td', { text: stepName(s) }),
        el('td', { className: 'num', text: s.inLength === undefined ? '' : String(s.inLength) }),
        el('td', { className: 'num', text: s.outLength === undefined ? '' : String(s.outLength) }),
        exitCell,
        statusCell,
        versus(s.bytesReturned, ex.bytesReturned),
        outCell,
        el('td', { className: 'num', text: s.elapsedUs === undefined ? '' : s.elapsedUs >= 1000 ? (s.elapsedUs / 1000).toFixed(1) + ' ms' : Math.round(s.elapsedUs) + ' \u00b5s' }),
        el('td', { className: 'problems', text: (s.problems || []).join('; ') }),
      ]);
    });
    return el('table', { className: 'steps' }, [el('thead', null, [head]), el('tbody', null, rows)]);
  }

  function parallelTable(p) {
    var head = el('tr', null, ['inner step', 'calls', 'errors', 'bytes returned', 'distinct outputs', 'p50', 'p99'].map(function (t) { return el('th', { text: t }); }));
    var dist = function (m) { return Object.keys(m || {}).map(function (k) { return k + ' \u00d7' + m[k]; }).join(', '); };
    var rows = p.sub.map(function (x) {
      return el('tr', null, [el('td', { text: x.ioctlName || x.kind }), el('td', { className: 'num', text: String(x.calls) }), el('td', { text: dist(x.errors) }), el('td', { text: dist(x.returned) }), el('td', { className: 'num', text: String(x.distinctOutputs) }), el('td', { className: 'num', text: Math.round(x.p50Us) + ' \u00b5s' }), el('td', { className: 'num', text: Math.round(x.p99Us) + ' \u00b5s' })]);
    });
    return el('table', { className: 'steps' }, [el('thead', null, [head]), el('tbody', null, rows)]);
  }

  function evidence(e) {
    var box = el('div', { className: 'evidence' }, [el('h4', { text: 'Crash evidence' }), el('pre', { className: 'signature', text: e.signature })]);
    if (e.backtrace) {
      var lines = e.backtrace.split('\n');
      var at = lines.findIndex(function (l) { return /^Backtrace:/.test(l); });
      if (at >= 0) box.appendChild(el('pre', { className: 'backtrace', text: lines.slice(at).join('\n') }));
      var rest = at >= 0 ? lines.slice(0, at) : lines;
      if (rest.join('').trim()) box.appendChild(el('details', null, [el('summary', { text: at >= 0 ? 'registers and stack dump' : 'analysis' }), el('pre', { text: rest.join('\n') })]));
    }
    if (e.dumpPath) box.appendChild(el('div', { className: 'meta', text: 'dump: ' + e.dumpPath }));
    if (e.lastLines && e.lastLines.length) box.appendChild(el('details', null, [el('summary', { text: 'the last debug lines before it' }), el('pre', { text: e.lastLines.join('\n') })]));
    return box;
  }
`;
