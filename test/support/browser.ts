/// <reference lib="dom" />
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); never a downloaded browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FAILURES = fileURLToPath(new URL('../../test-results/browser/', import.meta.url));

/**
 * The rule for the browser tests: they run when Chromium is installed; without it they are
 * skipped with a warning, unless REQUIRE_BROWSER=1 (CI sets it), where they fail saying why.
 */
export const browserMissing = !existsSync(CHROMIUM_PATH);
const mustRun = process.env.REQUIRE_BROWSER === '1';
if (browserMissing && !mustRun) console.warn(`browser tests skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
export const describeBrowser: jest.Describe = browserMissing && !mustRun ? describe.skip : describe;

/** One headless Chromium for a whole test file, closed after it. */
export function useBrowser(): { readonly browser: Browser } {
  let browser: Browser | null = null;
  beforeAll(async () => {
    if (browserMissing) throw new Error(`REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium`);
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get browser() {
      if (!browser) throw new Error('the browser runs only inside tests and hooks');
      return browser;
    },
  };
}

/** A test that saves a screenshot of each page to test-results/browser/ when it fails. */
export function browserTest(name: string, pages: () => Page[], body: () => Promise<void>, timeoutMs?: number): void {
  test(
    name,
    async () => {
      try {
        await body();
      } catch (err) {
        mkdirSync(FAILURES, { recursive: true });
        const slug = name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
        for (const [i, page] of pages().entries()) {
          await page.screenshot({ path: `${FAILURES}${slug}-${i}.png`, fullPage: true }).catch(() => undefined);
        }
        throw err;
      }
    },
    timeoutMs,
  );
}

/** The page's content is no wider than its window (a narrow phone screen scrolls only down). */
export function overflowsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
}
