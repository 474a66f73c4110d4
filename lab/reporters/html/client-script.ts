import { CLIENT_DOM } from '../../page/client-dom.js';
import { CLIENT_CASE_DETAIL } from './client/case-detail.js';
import { CLIENT_CASE_LIST } from './client/case-list.js';
import { CLIENT_HEX_DIFF } from './client/hex-diff.js';
import { CLIENT_SUMMARY } from './client/summary.js';
import { CLIENT_TIMELINE } from './client/timeline.js';

/**
 * The report page's script, inlined into report.html: the parts above in one scope, then the first
 * render. Plain ES2020 for any browser; `body[data-ready=true]` tells tests and the exporter it is done.
 * Tested in Chromium (report-html.browser.test.ts).
 */
export const CLIENT_SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('lab-data').textContent);
  ${CLIENT_DOM}
  ${CLIENT_SUMMARY}
  ${CLIENT_CASE_LIST}
  ${CLIENT_CASE_DETAIL}
  ${CLIENT_HEX_DIFF}
  ${CLIENT_TIMELINE}
  function describeError(code) { return data.errorNames && data.errorNames[code] ? data.errorNames[code] : String(code); }
  function describeStatus(value) { return data.statusNames && data.statusNames[value] ? data.statusNames[value] : '0x' + (value >>> 0).toString(16).toUpperCase(); }

  renderHeader();
  renderSummary();
  renderGate();
  (data.header.warnings || []).forEach(function (t) { document.getElementById('warnings').appendChild(el('div', { className: 'warn', text: t })); });
  renderControls();
  initialView();
  renderRows();
  scrollToOpen();
  document.body.setAttribute('data-ready', 'true');
})();
`;
