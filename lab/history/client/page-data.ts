/** What history.html carries as data (lab/history/render-history.ts writes it), read once from the page. */
import { pageData } from '../../page/client/dom.js';
import type { HistoryModel, HistoryRun } from '../history-model.js';

/** A run as the page gets it: its report.html made a link relative to the page. */
export type PageRun = Omit<HistoryRun, 'cases' | 'reportHtml'> & { href?: string };

export interface HistoryPageData {
  model: Omit<HistoryModel, 'runs'> & { runs: PageRun[] };
  /** The reports folder the runs were read from. */
  root: string;
  generatedAt: string;
}

export const data = pageData<HistoryPageData>();
export const model = data.model;
