import { createHash } from 'node:crypto';

/**
 * A self-contained static page (report.html, history.html): no network, works from a CI artifact or an
 * e-mail attachment. The CSP allows only the inline style and the page's own script (by its hash); the
 * data rides along as JSON in a non-executed script element, and the page script builds the DOM from it
 * with textContent and setAttribute only. Nothing from a report is ever parsed as HTML, so escaping is by
 * construction.
 */
export interface StaticPage {
  /** Shown until the script sets the real title from the data. */
  fallbackTitle: string;
  styles: string;
  /** The page's fixed skeleton: element ids the script fills. Must not contain data. */
  skeleton: string;
  data: unknown;
  /** The page's script (lab/page/page-script.ts): the only script the page may run. */
  script: string;
}

/** The page's policy: nothing from the network, its inline style, and exactly this script. */
export function contentSecurityPolicy(script: string): string {
  const hash = createHash('sha256').update(script, 'utf8').digest('base64');
  return `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${hash}'; img-src data:`;
}

export function renderStaticPage(page: StaticPage): string {
  const [before, after] = staticPageAround({ ...page, data: undefined });
  return `${before}${scriptJson(page.data)}${after}`;
}

/**
 * The page before and after its data, for writers that stream the data in (report.html of a 10,000-case
 * run is written case by case, never held whole).
 */
export function staticPageAround(page: Omit<StaticPage, 'data'> & { data?: undefined }): [string, string] {
  const marker = '\u0000lab-data\u0000';
  const whole = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(page.script)}">
<title>${page.fallbackTitle}</title>
<style>${page.styles}</style>
</head>
<body>
${page.skeleton}
<script type="application/json" id="lab-data">${marker}</script>
<script>${page.script}</script>
</body>
</html>
`;
  const at = whole.indexOf(marker);
  return [whole.slice(0, at), whole.slice(at + marker.length)];
}

/** JSON that is safe inside <script>: no `<` (so no `</script>` or `<!--`), no line separators old parsers choke on. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
