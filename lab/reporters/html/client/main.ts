/**
 * The report page's script (bundled by lab/page/build-pages.mjs and inlined into report.html): the first
 * render. `body[data-ready=true]` tells tests and the exporter it is done. Tested in Chromium
 * (report-html.browser.test.ts).
 */
import { byId, el } from '../../../page/client/dom.js';
import { initialView, renderControls, renderRows, scrollToOpen } from './case-list.js';
import { data } from './page-data.js';
import { renderGate, renderHeader, renderSummary } from './summary.js';

renderHeader();
renderSummary();
renderGate();
for (const t of data.header.warnings || []) byId('warnings').appendChild(el('div', { className: 'warn', text: t }));
renderControls();
initialView();
renderRows();
scrollToOpen();
document.body.setAttribute('data-ready', 'true');
