import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator } from 'playwright-core';

/** Debian's Chromium, which .ci/run installs. */
export const CHROMIUM = '/usr/bin/chromium';
/** Where `npm run screenshots` (UPDATE_SCREENSHOTS=1) saves pictures; undefined otherwise. */
export const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? join(__dirname, '..', '..', 'docs', 'screenshots') : undefined;
const WEB_BUILD = 'libs/http/dist/web-page/index.html';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * A describe block of browser tests. Without Chromium it is skipped with one loud line, or, under
 * CI=true, replaced by a failing test: CI must never pass by skipping the browser.
 */
export function describeInChromium(name: string, what: string, body: () => void): void {
  const available = existsSync(CHROMIUM);
  const required = process.env.CI === 'true';
  describe(name, () => {
    if (available) return body();
    if (required) {
      it('needs Chromium under CI', () => {
        throw new Error(`${CHROMIUM} is missing; CI=true requires it (.ci/run installs Debian's chromium package).`);
      });
      return;
    }
    console.warn(`!!! ${CHROMIUM} is missing: ${what} SKIPPED. Install it with: apt-get install -y chromium !!!`);
    // Skipped, loudly, only outside CI when the machine lacks it; under CI=true the test above fails instead.
    it.skip(`needs ${CHROMIUM}`, () => undefined);
  });
}

/** Builds the web page if it is not built: `npm test` builds it first, a bare `npx jest` may not have. */
export function ensureWebBuild(): void {
  if (!existsSync(WEB_BUILD)) execFileSync('npm', ['run', 'build:web'], { stdio: 'inherit' });
}

/** A headless Chromium with nothing of its own going to the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/** The text a locator shows, once it is there, its white space folded. */
export async function textOf(locator: Locator): Promise<string> {
  await locator.first().waitFor();
  return (await locator.first().innerText()).replace(/\s+/g, ' ');
}
