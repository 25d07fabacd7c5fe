/**
 * Signing people in to the console in the browser, with the second factor the server asks for:
 * the first sign-in of a DSO, director or administrator enrols TOTP on the page, later ones give
 * a fresh code (docs/accounts.md).
 */
import type { Page } from 'playwright-core';
import { generate } from 'otplib';
import type { ConsoleRun } from './console-browser.js';

const STEP_S = 30;

export interface ConsolePerson {
  readonly userName: string;
  readonly password: string;
  readonly roles: string[];
  readonly departments: string[];
  readonly directorOf: string[];
  /** Set once the person has enrolled TOTP. */
  secret?: string;
  /** The TOTP time step last accepted: the server refuses that step and earlier ones again. */
  lastStep?: number;
}

/**
 * The code of the first time step after the last one accepted that the server still takes
 * (the step before, the current one, the step after). When all three are spent, it waits for
 * the clock: the server's rule, not a timing the test asserts.
 */
export async function nextCode(person: ConsolePerson): Promise<string> {
  if (person.secret === undefined) throw new Error(`${person.userName} has no TOTP secret yet`);
  const current = Math.floor(Date.now() / 1000 / STEP_S);
  const step = Math.max((person.lastStep ?? -Infinity) + 1, current - 1);
  if (step > current + 1) await new Promise((resolve) => setTimeout(resolve, (step - 1) * STEP_S * 1000 - Date.now() + 50));
  person.lastStep = step;
  return generate({ secret: person.secret, epoch: step * STEP_S });
}

/**
 * Signs `person` in on `page` (already at the login form): with a code if they have a secret,
 * else through the enrolment page if the server asks for one. Resolves on the overview.
 */
export async function signInOnPage(page: Page, person: ConsolePerson): Promise<void> {
  await page.locator('[data-testid=login-form]').waitFor();
  await page.fill('input[name=userName]', person.userName);
  await page.fill('input[name=password]', person.password);
  if (person.secret !== undefined) await page.fill('input[name=totp]', await nextCode(person));
  await page.click('[data-testid=login-form] button[type=submit]');
  await enrolIfAsked(page, person);
}

/** After a sign-in or the first-run form: enrols TOTP from the secret the page shows, if it shows one. */
export async function enrolIfAsked(page: Page, person: ConsolePerson): Promise<void> {
  const welcome = page.locator('[data-testid=welcome]');
  const secretElement = page.locator('[data-testid=totp-secret]');
  await welcome.or(secretElement).waitFor();
  if (await welcome.isVisible()) return;
  person.secret = (await secretElement.getAttribute('data-secret')) ?? undefined;
  await page.fill('input[name=code]', await nextCode(person));
  await page.click('[data-testid=enrol-form] button[type=submit]');
  await welcome.waitFor();
}

/** A new browser context (one person) at the console's login form, signed in. */
export async function signedInPage(run: ConsoleRun, person: ConsolePerson, options: Parameters<ConsoleRun['newPage']>[0]): Promise<Page> {
  const page = await run.newPage(options);
  await page.goto(`${run.url}/console/`);
  await signInOnPage(page, person);
  return page;
}

/** The bearer token the console keeps for the page's session. */
export async function pageToken(page: Page): Promise<string> {
  return (await page.evaluate("JSON.parse(sessionStorage.getItem('medveil.console.session')).token")) as string;
}
