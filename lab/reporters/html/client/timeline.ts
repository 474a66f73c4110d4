/**
 * A case's merged timeline (lab/timeline/merge-timeline.ts computes it): DbgView lines, the driver log,
 * the guest's steps and output, and the target's messages in one table. Each source can be hidden, and
 * the raw DbgView and driver log text is one click away.
 */
export const CLIENT_TIMELINE = String.raw`
  var SOURCE_TITLE = { dbgprint: 'DbgPrint', 'driver-log': 'driver log', guest: 'guest', target: 'target', step: 'step' };

  function timeline(c) {
    var entries = c.timeline || [];
    var box = el('div', { className: 'timeline' });
    box.appendChild(el('h4', { text: 'Timeline: DbgView, driver log and guest, merged' }));
    if (!entries.length) { box.appendChild(el('div', { className: 'meta', text: '(no debug output, driver log or steps for this case)' })); return box; }
    var present = {};
    entries.forEach(function (e) { e.sources.forEach(function (s) { present[s] = true; }); });
    var hidden = {};
    var table = el('table', { className: 'tl' });
    var body = el('tbody');
    table.appendChild(el('thead', null, [el('tr', null, [el('th', { text: '+ms' }), el('th', { text: 'source' }), el('th', { text: 'line' })])]));
    table.appendChild(body);
    var draw = function () {
      clear(body);
      entries.forEach(function (e) {
        if (e.sources.every(function (s) { return hidden[s]; })) return;
        var when = e.atMs === null ? '' : (e.estimated ? '\u2248' : '') + (Math.round(e.atMs * 10) / 10);
        var badge = el('td', { className: 'src' }, e.sources.map(function (s) { return el('span', { className: 'tag ' + s, text: SOURCE_TITLE[s] }); }));
        body.appendChild(el('tr', { className: 'tl-' + e.sources[0] + (e.bad ? ' bad' : ''), title: e.clock ? '#' + e.seq + ' at ' + e.clock : e.estimated ? 'time estimated' : '' }, [el('td', { className: 'num', text: when }), badge, el('td', { className: 'line', text: e.text })]));
      });
    };
    var toggles = el('div', { className: 'lanes' });
    Object.keys(SOURCE_TITLE).forEach(function (s) {
      if (!present[s]) return;
      var box = el('input', { type: 'checkbox', checked: 'checked', 'data-source': s, onchange: function (ev) { hidden[s] = !ev.target.checked; draw(); } });
      toggles.appendChild(el('label', { className: 'tag ' + s }, [box, ' ' + SOURCE_TITLE[s]]));
    });
    var raw = el('div', { className: 'raw', hidden: 'hidden' });
    toggles.appendChild(el('button', { type: 'button', className: 'more', text: 'raw logs', onclick: function () { raw.hidden = !raw.hidden; } }));
    box.appendChild(toggles);
    box.appendChild(el('div', { className: 'meta note', text: '\u2248 marks an estimated time: steps are placed by their measured durations from the begin marker, driver-log-only lines next to their neighbours. DbgView times have 1 ms resolution.' }));
    box.appendChild(table);
    var dbg = entries.filter(function (e) { return e.clock; }).map(function (e) { return e.seq + '\t' + e.clock + '\t' + (e.sources[0] === 'target' ? '[target] ' : '') + e.text; });
    var log = entries.filter(function (e) { return e.sources.indexOf('driver-log') >= 0; }).map(function (e) { return e.text; });
    raw.appendChild(el('h4', { text: 'DbgView' }));
    raw.appendChild(el('pre', { text: dbg.join('\n') || '(nothing)' }));
    raw.appendChild(el('h4', { text: 'driver log' }));
    raw.appendChild(el('pre', { text: log.join('\n') || '(nothing)' }));
    box.appendChild(raw);
    draw();
    return box;
  }
`;
