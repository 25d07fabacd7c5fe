import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium (package `chromium`, which scripts/test.sh installs); MEDVEIL_CHROMIUM
 * names another build. Playwright's own browser downloads are not used: this machine reaches
 * no host but the package registries.
 */
export const CHROMIUM_PATH = process.env.MEDVEIL_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags for a headless run on a closed network: as root there is no sandbox to use; without
 * the background-networking flags Chromium keeps calling Google's hosts, which this machine
 * refuses, many at a time.
 */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A headless Chromium for one test, closed by `close()`. Playwright starts it with a fresh,
 * empty --user-data-dir of its own in the system's temporary folder and deletes it on close, so
 * no profile, cookie or storage survives from one run to the next; each `newContext()` is a
 * further separate profile in memory (the DSO and the director in two contexts).
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH}: install Debian's package chromium (scripts/test.sh does), or set MEDVEIL_CHROMIUM`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS, chromiumSandbox: false });
}
