/**
 * The trend chart: one stacked bar per run (cases by status) and the run's duration as a line on its
 * own axis. Inline SVG built with createElementNS; each bar links to its run's report and says its
 * numbers in a tooltip.
 */
export const CLIENT_TREND_CHART = String.raw`
  var ORDER = ['passed', 'flaky', 'waived', 'inconclusive', 'skipped', 'error', 'hung', 'crashed', 'failed'];
  var COLOR = { passed: '#1a7f37', failed: '#cf222e', crashed: '#8250df', hung: '#bc4c00', error: '#9a6700', flaky: '#0969da', waived: '#8c959f', inconclusive: '#d4a72c', skipped: '#d0d7de' };

  function trendChart(runs) {
    var W = 1100, H = 270, left = 48, right = 56, top = 24, bottom = 66;
    var plotW = W - left - right, plotH = H - top - bottom;
    var maxCases = Math.max.apply(null, runs.map(function (r) { return r.summary.total; }).concat([1]));
    var maxMs = Math.max.apply(null, runs.map(function (r) { return r.durationMs; }).concat([1]));
    var step = plotW / runs.length;
    var barW = Math.max(4, Math.min(40, step * 0.7));
    var root = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, width: '100%', role: 'img', 'aria-label': 'cases by status and run duration, oldest run on the left', id: 'trend' });
    // Axes and grid: cases on the left, duration on the right.
    [0, 0.5, 1].forEach(function (f) {
      var y = top + plotH * (1 - f);
      root.appendChild(svg('line', { x1: left, x2: W - right, y1: y, y2: y, stroke: '#eaeef2' }));
      root.appendChild(svg('text', { x: left - 6, y: y + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#57606a', text: String(Math.round(maxCases * f)) }));
      root.appendChild(svg('text', { x: W - right + 6, y: y + 4, 'font-size': 11, fill: '#0969da', text: (maxMs * f / 1000).toFixed(maxMs < 10000 ? 1 : 0) + ' s' }));
    });
    root.appendChild(svg('text', { x: left, y: 12, 'text-anchor': 'end', 'font-size': 11, fill: '#57606a', text: 'cases' }));
    root.appendChild(svg('text', { x: W - right + 6, y: 12, 'font-size': 11, fill: '#0969da', text: 'duration' }));
    runs.forEach(function (r, i) {
      // A new driver build starts here: changes across this line are the driver's, not flakiness.
      if (i > 0 && r.driverSha256 && r.driverSha256 !== runs[i - 1].driverSha256) {
        var bx = left + step * i;
        root.appendChild(svg('line', { x1: bx, x2: bx, y1: top, y2: top + plotH, stroke: '#8c959f', 'stroke-dasharray': '3 3', className: 'driver-change' }, [svg('title', { text: 'new driver build: ' + r.driverSha256.slice(0, 12) })]));
      }
      var x = left + step * i + (step - barW) / 2;
      var y = top + plotH;
      var bar = svg('g', { className: 'run-bar', 'data-run': r.runId });
      var parts = [];
      ORDER.forEach(function (k) {
        var n = r.summary[k] || 0;
        if (!n) return;
        var h = plotH * n / maxCases;
        y -= h;
        bar.appendChild(svg('rect', { x: x, y: y, width: barW, height: Math.max(h, 0.5), fill: COLOR[k] }));
        parts.push(n + ' ' + k);
      });
      bar.appendChild(svg('title', { text: r.runId + '\n' + r.startedAt + '\n' + r.status + (r.gate ? ', gate ' + r.gate : '') + ' \u00b7 ' + (r.durationMs / 1000).toFixed(1) + ' s\n' + parts.join(', ') }));
      var href = safeHref(r.href);
      root.appendChild(href ? svg('a', { href: href }, [bar]) : bar);
      if (runs.length <= 31 || i % Math.ceil(runs.length / 31) === 0) {
        var d = new Date(r.startedAt);
        var label = isNaN(d.getTime()) ? String(i + 1) : (d.getMonth() + 1) + '/' + d.getDate() + ' ' + String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0');
        root.appendChild(svg('text', { x: x + barW / 2, y: H - bottom + 14, 'text-anchor': 'end', 'font-size': 10, fill: '#57606a', transform: 'rotate(-35 ' + (x + barW / 2) + ' ' + (H - bottom + 14) + ')', text: label }));
      }
    });
    var points = runs.map(function (r, i) { return (left + step * i + step / 2).toFixed(1) + ',' + (top + plotH * (1 - r.durationMs / maxMs)).toFixed(1); });
    root.appendChild(svg('polyline', { points: points.join(' '), fill: 'none', stroke: '#0969da', 'stroke-width': 2 }));
    points.forEach(function (p, i) {
      var xy = p.split(',');
      root.appendChild(svg('circle', { cx: xy[0], cy: xy[1], r: 3, fill: '#0969da' }, [svg('title', { text: runs[i].runId + ': ' + (runs[i].durationMs / 1000).toFixed(1) + ' s' })]));
    });
    var legend = el('div', { className: 'legend' });
    ORDER.slice().reverse().forEach(function (k) {
      if (!runs.some(function (r) { return r.summary[k]; })) return;
      var sw = el('span', { className: 'swatch' });
      sw.style.background = COLOR[k];
      legend.appendChild(el('span', { className: 'key' }, [sw, k]));
    });
    legend.appendChild(el('span', { className: 'key' }, [el('span', { className: 'swatch line' }), 'run duration']));
    legend.appendChild(el('span', { className: 'key' }, [el('span', { className: 'swatch dash' }), 'new driver build']));
    return el('div', { className: 'chart' }, [root, legend]);
  }

  function sparkline(values) {
    var pts = [];
    var max = 0;
    values.forEach(function (v) { if (v !== null && v > max) max = v; });
    var W = 90, H = 18;
    values.forEach(function (v, i) { if (v !== null) pts.push((values.length === 1 ? W / 2 : i * W / (values.length - 1)).toFixed(1) + ',' + (H - 2 - (max ? (H - 4) * v / max : 0)).toFixed(1)); });
    var s = svg('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, className: 'spark' });
    if (pts.length > 1) s.appendChild(svg('polyline', { points: pts.join(' '), fill: 'none', stroke: '#0969da', 'stroke-width': 1.5 }));
    else if (pts.length === 1) { var xy = pts[0].split(','); s.appendChild(svg('circle', { cx: xy[0], cy: xy[1], r: 2, fill: '#0969da' })); }
    return s;
  }
`;
