import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium; playwright cannot download its own browsers on these machines. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * The flags keep a headless Chromium, running as root in a sandbox-less container, from reaching
 * out to Google services: on a closed network each of those attempts fails slowly.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches headless Chromium for browser tests; close the browser when done. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install chromium\` ` +
        '(./scripts/test.sh does so when run as root)',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Signs a demo user in through the login page (password `demo`) and waits for their home page
 * (`/worklist`, `/clinic`, `/admin`).
 */
export async function logInAs(page: Page, baseUrl: string, username: string, home: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill('demo');
  await page.getByTestId('login-submit').click();
  await page.waitForURL(`**${home}`);
}
