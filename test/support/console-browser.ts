/**
 * What every browser test of the console (docs/console.md) needs: a real `medveil serve` on a
 * fresh folder, Chromium, the message catalogues, and the checks and screenshots each page gets.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { tsImport } from 'tsx/esm/api';
import { launchChromium } from './chromium.js';
import { temporaryFolder } from './medveil-cli.js';
import { repoRoot } from './repo-root.js';
import { startServe, type ServerProcess } from './serve-process.js';

export type Catalogue = Readonly<Record<string, string>>;
export type Language = 'zh-CN' | 'en';

export const WIDE = { width: 1280, height: 800 };
export const NARROW = { width: 390, height: 844 };
/** Screenshots of every page, kept after the run for people to look at (git-ignored). */
export const CONSOLE_ARTIFACTS = join(repoRoot(), 'test-artifacts', 'console');

/** The console's catalogues as the browser gets them (TypeScript for Vite, loaded by tsx). */
export async function consoleCatalogues(): Promise<Record<Language, Catalogue>> {
  const load = async (file: string) => (await tsImport(pathToFileURL(join(repoRoot(), 'web', 'src', 'i18n', file)).href, import.meta.url)) as Record<string, Catalogue>;
  return { 'zh-CN': (await load('zh-CN.ts')).zhCN!, en: (await load('en.ts')).en! };
}

export interface ConsoleRun {
  readonly url: string;
  /** The one-time code the server printed, for the first-run page. */
  readonly bootstrapCode: string;
  readonly folder: string;
  readonly server: ServerProcess;
  readonly browser: Browser;
  readonly text: Record<Language, Catalogue>;
  /** A new page in its own browser context (its own storage): one person. */
  newPage(options: { viewport: { width: number; height: number }; locale: string }): Promise<Page>;
  heading(page: Page): Promise<string>;
  /** Waits until the page shows `expected` as its heading (pages render after their API calls), then checks it exactly. */
  expectHeading(page: Page, expected: string | undefined, what: string): Promise<void>;
  switchLanguage(page: Page, language: Language): Promise<void>;
  /**
   * Shows the page in both languages at both sizes: the heading (catalogue key `headingKey`)
   * follows the language switch, nothing overflows sideways, and a screenshot of each is saved
   * as `<name>-<language>-<size>.png`. Ends in `start` at 1280x800.
   */
  captureEverywhere(page: Page, name: string, headingKey: string, start: Language): Promise<void>;
  /** Requests that left the gateway's origin (a CDN would) and errors the pages logged (a CSP refusal would). */
  readonly offOrigin: readonly string[];
  readonly pageErrors: readonly string[];
  /** Every answer of status 400 or more the pages got, as `401 POST /api/login`. */
  readonly refusals: readonly string[];
}

// audit
export interface ConsoleRunOptions {
  /** Called with the fresh folder before the server starts (to place keys); answers the whole gateway.yaml. */
  readonly prepare?: (folder: string) => string;
}

/** Starts the server and the browser for one test; both are stopped after it. */
export async function startConsoleRun(t: TestContext, options: ConsoleRunOptions = {}): Promise<ConsoleRun> {
  const text = await consoleCatalogues();
  mkdirSync(CONSOLE_ARTIFACTS, { recursive: true });
  const folder = temporaryFolder('console');
  writeFileSync(join(folder, 'gateway.yaml'), 'http:\n  port: 0\ndimse:\n  port: 0\n');
  // audit
  if (options.prepare !== undefined) writeFileSync(join(folder, 'gateway.yaml'), options.prepare(folder));
  const server = startServe(folder, { MEDVEIL_CONFIG: 'gateway.yaml' });
  t.after(() => server.stop());
  const [, url] = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
  const [, bootstrapCode] = await server.waitFor(/^ {4}([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})$/m);
  const browser = await launchChromium();
  t.after(() => browser.close());

  const offOrigin: string[] = [];
  const pageErrors: string[] = [];
  const refusals: string[] = [];
  const heading = (page: Page) => page.locator('h1').innerText();
  const switchLanguage = async (page: Page, language: Language) => {
    await page.selectOption('[data-testid=language]', language);
  };
  const expectHeading = async (page: Page, expected: string | undefined, what: string) => {
    assert.ok(expected !== undefined, `${what}: no such message`);
    await page.locator('h1', { hasText: expected }).waitFor();
    assert.equal(await heading(page), expected, what);
  };
  return {
    url: url!,
    bootstrapCode: bootstrapCode!,
    folder,
    server,
    browser,
    text,
    offOrigin,
    pageErrors,
    refusals,
    heading,
    expectHeading,
    switchLanguage,
    async newPage(options) {
      const page = await (await browser.newContext(options)).newPage();
      page.on('request', (request) => {
        // A blob: URL of the gateway's origin is one the page made itself (the viewer's frames).
        if (!request.url().startsWith(`${url}/`) && !request.url().startsWith(`blob:${url}/`)) offOrigin.push(request.url());
      });
      page.on('response', (response) => {
        if (response.status() >= 400) refusals.push(`${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`);
      });
      page.on('console', (message) => {
        // A refused API call is logged by the browser too; those are in `refusals`, checked one by one.
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource: the server responded with a status of')) pageErrors.push(message.text());
      });
      page.on('pageerror', (error) => pageErrors.push(error.message));
      return page;
    },
    async captureEverywhere(page, name, headingKey, start) {
      for (const language of [start, start === 'en' ? 'zh-CN' : 'en'] as const) {
        await switchLanguage(page, language);
        await expectHeading(page, text[language][headingKey], `${name} in ${language}`);
        for (const viewport of [WIDE, NARROW]) {
          await page.setViewportSize(viewport);
          const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
          assert.ok(overflow <= 0, `${name} in ${language} at ${viewport.width}px overflows by ${overflow}px`);
          await page.screenshot({ path: join(CONSOLE_ARTIFACTS, `${name}-${language}-${viewport.width}x${viewport.height}.png`), fullPage: true });
        }
      }
      await switchLanguage(page, start);
      await page.setViewportSize(WIDE);
    },
  };
}
