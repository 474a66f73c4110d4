import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { HarnessError } from '../errors/lab-error.js';

/** The system's Chromium (Debian's `chromium`); lab never downloads a browser. LAB_CHROMIUM overrides. */
export function chromiumPath(): string {
  return process.env.LAB_CHROMIUM || '/usr/bin/chromium';
}

/** Quiet, offline, headless: no first-run, no sync, no component updates, no QUIC, no GPU. */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Chromium {
  context: BrowserContext;
  /** Closes the browser and removes its throwaway profile; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Headless Chromium with a fresh profile in a temporary folder, and every request that is not a local
 * file refused: a report page must work offline, and an export must never reach the network.
 */
export async function launchChromium(options: { timeoutMs?: number } = {}): Promise<Chromium> {
  const executablePath = chromiumPath();
  try {
    await access(executablePath);
  } catch {
    throw new HarnessError(
      'LAB_CHROMIUM_MISSING',
      `Chromium was not found at ${executablePath}. Fix: install it (Debian: sudo apt-get install chromium) or set LAB_CHROMIUM to its path.`,
    );
  }
  const { chromium } = await import('playwright-core');
  const profile = await mkdtemp(join(tmpdir(), 'lab-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: ARGS,
      timeout: options.timeoutMs ?? 60_000,
      viewport: { width: 1280, height: 900 },
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw new HarnessError(
      'LAB_CHROMIUM_FAILED',
      `Chromium (${executablePath}) did not start: ${(error as Error).message.split('\n')[0]}. Fix: run \`${executablePath} --headless --no-sandbox --dump-dom about:blank\` to see why.`,
    );
  }
  await context.route('**/*', (route) => (/^(file|data|about):/.test(route.request().url()) ? route.continue() : route.abort('blockedbyclient')));
  let closed = false;
  return {
    context,
    async close() {
      if (closed) return;
      closed = true;
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}
