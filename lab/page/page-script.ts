import { readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarnessError } from '../errors/lab-error.js';

export type PageName = 'report' | 'history' | 'fuzz';

const here = dirname(fileURLToPath(import.meta.url));
/** lab/dist/pages/, from lab/dist/page/ (the built CLI) or lab/page/ (the sources, under the tests). */
const PAGES = join(here.split(sep).includes('dist') ? join(here, '..') : join(here, '..', 'dist'), 'pages');
const cache = new Map<PageName, string>();

/**
 * A page's script, bundled from its TypeScript (lab/**\/client/) by `npm run build` (lab/page/build-pages.mjs):
 * the CLI inlines it and never bundles at run time.
 */
export function pageScript(page: PageName): string {
  let script = cache.get(page);
  if (script === undefined) {
    const file = join(PAGES, `${page}.js`);
    try {
      script = readFileSync(file, 'utf8');
    } catch {
      throw new HarnessError('LAB_PAGE_SCRIPT_MISSING', `${file} is missing: the ${page} page's script is built with lab. Fix: npm run build.`);
    }
    // Inlined in a <script> element: a `</script` inside it would end the element early.
    if (/<\/script/i.test(script)) throw new HarnessError('LAB_PAGE_SCRIPT_UNSAFE', `${file} contains "</script" and cannot be inlined. Fix: npm run build.`);
    cache.set(page, script);
  }
  return script;
}
