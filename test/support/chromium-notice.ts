import { CHROMIUM, haveChromium } from './browser.js';

/**
 * Vitest's global setup: without Chromium the browser tests are listed as skipped, easy to miss in a
 * long run, so the run says so first, with how to get it.
 */
export default function chromiumNotice(): void {
  if (!haveChromium()) console.warn(`\nNo Chromium at ${CHROMIUM}: the status page's browser tests will be skipped. Install it with \`sudo apt-get install chromium\` (.ci/run does).\n`);
}
