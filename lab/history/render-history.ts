import { dirname, relative, sep } from 'node:path';
import { pageScript } from '../page/page-script.js';
import { renderStaticPage } from '../page/static-page.js';
import { historyModel, type HistoryRun } from './history-model.js';
import { HISTORY_STYLES } from './styles.js';

/**
 * history.html from the runs (oldest first): self-contained like report.html. Links to each run's
 * report.html are relative to where the page is written, so the reports folder can be moved or
 * published as a whole.
 */
export function renderHistory(runs: HistoryRun[], page: { file: string; root: string }): string {
  const model = historyModel(runs);
  const from = dirname(page.file);
  const withLinks = model.runs.map(({ reportHtml, ...run }) => ({
    ...run,
    ...(reportHtml ? { href: relative(from, reportHtml).split(sep).map(encodeURIComponent).join('/') } : {}),
  }));
  return renderStaticPage({
    fallbackTitle: 'lab history',
    styles: HISTORY_STYLES,
    skeleton: SKELETON,
    data: { model: { ...model, runs: withLinks }, root: page.root, generatedAt: new Date().toISOString() },
    script: pageScript('history'),
  });
}

const SKELETON = `<header id="header"></header>
<main>
<section id="chart"></section>
<section id="flaky"></section>
<section id="cases">
<h2>Cases over time</h2>
<div class="controls" id="grid-controls"></div>
<div class="meta" id="grid-shown"></div>
<table class="grid">
<thead><tr><th>case</th><th>runs (oldest → newest)</th><th>median</th><th>last</th><th>duration trend</th></tr></thead>
<tbody id="grid-rows"></tbody>
</table>
<div class="empty" id="grid-empty" hidden>No case matches.</div>
</section>
</main>`;
