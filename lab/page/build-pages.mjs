// `npm run build` step: bundles each page's script (lab/**/client/main.ts, TypeScript with DOM types,
// checked by tsconfig.pages.json) into one browser script, lab/dist/pages/<page>.js, that
// lab/page/page-script.ts inlines into the page it writes. Plain JavaScript, so it runs before anything
// is compiled (npm run test:unit uses it too).
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const lab = dirname(dirname(fileURLToPath(import.meta.url)));
const PAGES = { report: 'reporters/html/client/main.ts', history: 'history/client/main.ts', fuzz: 'fuzz/client/main.ts' };

await Promise.all(
  Object.entries(PAGES).map(([page, entry]) =>
    build({
      entryPoints: [join(lab, entry)],
      outfile: join(lab, 'dist', 'pages', `${page}.js`),
      bundle: true,
      format: 'iife',
      // What any browser of the last years runs; the pages need nothing newer.
      target: 'es2020',
      platform: 'browser',
      charset: 'utf8',
      legalComments: 'none',
      logLevel: 'warning',
    }),
  ),
);
