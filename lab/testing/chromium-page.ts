/**
 * Test support: one headless Chromium per test file (lab's own launcher: the system browser, a fresh
 * profile, no network), and pages that record what a test must see nothing of: console errors, page
 * errors, dialogs, and requests that left the machine.
 */
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { launchChromium, type Chromium } from '../browser/chromium.js';

export interface WatchedPage {
  page: Page;
  consoleErrors: string[];
  pageErrors: string[];
  dialogs: string[];
  /** Requests for anything but file:, data: and about: URLs. */
  remoteRequests: string[];
}

/** Generous: a loaded 2-core CI machine can take seconds to start Chromium and render a page. */
export const BROWSER_TIMEOUT_MS = 60_000;

export async function startChromium(): Promise<Chromium> {
  return launchChromium({ timeoutMs: BROWSER_TIMEOUT_MS });
}

export async function openPage(browser: Chromium, file: string, hash = ''): Promise<WatchedPage> {
  const page = await browser.context.newPage();
  page.setDefaultTimeout(BROWSER_TIMEOUT_MS);
  const watched: WatchedPage = { page, consoleErrors: [], pageErrors: [], dialogs: [], remoteRequests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') watched.consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => watched.pageErrors.push(e.message));
  page.on('dialog', (d) => {
    watched.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('request', (r) => {
    if (!/^(file|data|about):/.test(r.url())) watched.remoteRequests.push(r.url());
  });
  await page.goto(`${pathToFileURL(file).href}${hash}`);
  await page.waitForSelector('body[data-ready=true]');
  return watched;
}

/** What no page may have shown, whatever the test did: console errors, script errors, dialogs, network. */
export async function expectQuietPagesAndClose(browser: Chromium | undefined, pages: WatchedPage[]): Promise<void> {
  for (const p of pages) {
    expect(p.consoleErrors).toEqual([]);
    expect(p.pageErrors).toEqual([]);
    expect(p.dialogs).toEqual([]);
    expect(p.remoteRequests).toEqual([]);
  }
  await browser?.close();
}
