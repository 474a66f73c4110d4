import { pathToFileURL } from 'node:url';
import { HarnessError } from '../errors/lab-error.js';
import { launchChromium } from './chromium.js';

export interface ExportTargets {
  pdf?: string;
  png?: string;
}

const READY_MS = 60_000;

/**
 * Opens a lab page in Chromium and writes it as PDF (print media, `#print`: every case that did not pass
 * opened) and/or as a full-page PNG (the page as a reviewer first sees it). The page's own script renders
 * it; the export waits for `body[data-ready=true]` and fails if the page reports an error.
 */
export async function exportPage(htmlFile: string, targets: ExportTargets): Promise<void> {
  const browser = await launchChromium();
  try {
    const url = pathToFileURL(htmlFile).href;
    if (targets.png) {
      const page = await open(browser.context, url);
      await page.screenshot({ path: targets.png, fullPage: true });
      await page.close();
    }
    if (targets.pdf) {
      const page = await open(browser.context, `${url}#print`);
      await page.emulateMedia({ media: 'print' });
      await page.pdf({
        path: targets.pdf,
        format: 'A4',
        landscape: true,
        printBackground: true,
        margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' },
      });
      await page.close();
    }
  } finally {
    await browser.close();
  }
}

async function open(context: Awaited<ReturnType<typeof launchChromium>>['context'], url: string) {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url, { timeout: READY_MS });
  try {
    await page.waitForSelector('body[data-ready=true]', { timeout: READY_MS });
  } catch (error) {
    const why = errors.length ? errors.join('; ') : (error as Error).message.split('\n')[0];
    throw new HarnessError('LAB_PAGE_NOT_READY', `${url} did not finish rendering in Chromium: ${why}. Fix: open it in a browser and look at the console.`, {
      cause: error,
    });
  }
  return page;
}
