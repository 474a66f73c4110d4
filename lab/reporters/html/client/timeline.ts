/**
 * A case's merged timeline (lab/timeline/merge-timeline.ts computes it): DbgView lines, the driver log,
 * the guest's steps and output, and the target's messages in one table. Each source can be hidden, and
 * the raw DbgView and driver log text is one click away.
 */
import { clear, el } from '../../../page/client/dom.js';
import type { TimelineSource } from '../../../timeline/timeline-entry.js';
import type { PageCase } from './page-data.js';

const SOURCE_TITLE: Record<TimelineSource, string> = { dbgprint: 'DbgPrint', 'driver-log': 'driver log', guest: 'guest', target: 'target', step: 'step' };

export function timeline(c: PageCase): HTMLElement {
  const entries = c.timeline || [];
  const box = el('div', { className: 'timeline' });
  box.appendChild(el('h4', { text: 'Timeline: DbgView, driver log and guest, merged' }));
  if (!entries.length) {
    box.appendChild(el('div', { className: 'meta', text: '(no debug output, driver log or steps for this case)' }));
    return box;
  }
  const present = new Set(entries.flatMap((e) => e.sources));
  const hidden = new Set<TimelineSource>();
  const table = el('table', { className: 'tl' });
  const body = el('tbody');
  table.appendChild(el('thead', null, [el('tr', null, [el('th', { text: '+ms' }), el('th', { text: 'source' }), el('th', { text: 'line' })])]));
  table.appendChild(body);
  const draw = () => {
    clear(body);
    for (const e of entries) {
      if (e.sources.every((s) => hidden.has(s))) continue;
      const when = e.atMs === null ? '' : (e.estimated ? '\u2248' : '') + Math.round(e.atMs * 10) / 10;
      const badge = el(
        'td',
        { className: 'src' },
        e.sources.map((s) => el('span', { className: `tag ${s}`, text: SOURCE_TITLE[s] })),
      );
      const title = e.clock ? `#${e.seq} at ${e.clock}` : e.estimated ? 'time estimated' : '';
      body.appendChild(
        el('tr', { className: `tl-${e.sources[0]}${e.bad ? ' bad' : ''}`, title }, [
          el('td', { className: 'num', text: when }),
          badge,
          el('td', { className: 'line', text: e.text }),
        ]),
      );
    }
  };
  const toggles = el('div', { className: 'lanes' });
  for (const s of Object.keys(SOURCE_TITLE) as TimelineSource[]) {
    if (!present.has(s)) continue;
    const onchange = (ev: Event) => {
      if ((ev.target as HTMLInputElement).checked) hidden.delete(s);
      else hidden.add(s);
      draw();
    };
    const input = el('input', { type: 'checkbox', checked: 'checked', 'data-source': s, onchange });
    toggles.appendChild(el('label', { className: `tag ${s}` }, [input, ` ${SOURCE_TITLE[s]}`]));
  }
  const raw = el('div', { className: 'raw', hidden: 'hidden' });
  toggles.appendChild(el('button', { type: 'button', className: 'more', text: 'raw logs', onclick: () => (raw.hidden = !raw.hidden) }));
  box.appendChild(toggles);
  box.appendChild(
    el('div', {
      className: 'meta note',
      text: '\u2248 marks an estimated time: steps are placed by their measured durations from the begin marker, driver-log-only lines next to their neighbours. DbgView times have 1 ms resolution.',
    }),
  );
  box.appendChild(table);
  const dbg = entries.filter((e) => e.clock).map((e) => `${e.seq}\t${e.clock}\t${e.sources[0] === 'target' ? '[target] ' : ''}${e.text}`);
  const log = entries.filter((e) => e.sources.includes('driver-log')).map((e) => e.text);
  raw.appendChild(el('h4', { text: 'DbgView' }));
  raw.appendChild(el('pre', { text: dbg.join('\n') || '(nothing)' }));
  raw.appendChild(el('h4', { text: 'driver log' }));
  raw.appendChild(el('pre', { text: log.join('\n') || '(nothing)' }));
  box.appendChild(raw);
  draw();
  return box;
}
