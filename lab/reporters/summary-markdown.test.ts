import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCase, aReport } from '../testing/report-fixtures.js';
import { SummaryMarkdownReporter } from './summary-markdown.js';
import { tempDir } from '../testing/temp-dir.js';

/** What a driver can print to make a step summary show an image, a link or a raw tag, or steer a terminal. */
const LIVE_MARKDOWN =
  '![beacon](https://evil.example/p.png) [click me](javascript:alert(1)) <img src=x onerror=alert(2)> <b>bold</b> **strong** `tick` ``two`` | pipe \u001b]0;title\u0007 \u202eevil';

let dir: string;
let html: string;
let md: string;
beforeAll(async () => {
  dir = await tempDir('summary');
  const { cases, ...header } = aReport([aCase(`echo/${LIVE_MARKDOWN}`, 'failed', { message: LIVE_MARKDOWN })], {
    warnings: [LIVE_MARKDOWN],
    error: { code: 'X', message: LIVE_MARKDOWN },
  });
  await new SummaryMarkdownReporter().onEnd({
    header,
    outDir: dir,
    reportStartedAt: Date.now(),
    cases: async function* () {
      yield* cases;
    },
  });
  md = await readFile(join(dir, 'summary.md'), 'utf8');
  // GitHub's own Markdown renderer (cmark-gfm, with its table extension), as a step summary is shown.
  html = (await execa('cmark-gfm', ['--extension', 'table', '--unsafe'], { input: md })).stdout;
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('summary.md with driver text in it', () => {
  it('renders no image, link or tag from it: every piece stays code', () => {
    expect(html).not.toMatch(/<img|<a |<b>|<strong>strong|<code>tick/);
    expect(html).toContain('<code>![beacon](https://evil.example/p.png) [click me](javascript:alert(1)) &lt;img src=x onerror=alert(2)&gt;');
    // Four places: the failing case's id and message, the warning, the lab's error.
    expect(html.match(/<code>[^<]*!\[beacon\]/g)).toHaveLength(4);
  });

  it('keeps the table whole: a pipe in driver text does not split a cell', () => {
    const row = /<tr>\s*<td>✗ failed<\/td>\s*<td><code>.*?<\/code><\/td>\s*<td>product<\/td>\s*<td><code>.*?\| pipe.*?<\/code><\/td>\s*<\/tr>/s;
    expect(html).toMatch(row);
  });

  it('shows control characters as escapes', () => {
    expect(md).toContain('\\x1b]0;title\\x07');
    expect(md).toContain('\\u202eevil');
    expect(md).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/);
  });
});
