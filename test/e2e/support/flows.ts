import type { Page } from 'playwright-core';
import { label, snap, type Lang } from './browser.js';
import { STAFF_PASSWORD } from './console-server.js';

/**
 * Opens the console, switches to the run's language (Japanese is the default), and signs in; with `wrongCodeFirst`,
 * a wrong one-time code is refused first, in the language on screen.
 */
export async function signIn(page: Page, base: string, lang: Lang, clerk: { loginId: string; totp(): string }, shot: string, options: { wrongCodeFirst?: boolean } = {}) {
  await page.goto(`${base}/counter/`);
  await page.getByRole('heading', { name: label('ja', 'signInTitle') }).waitFor();
  if (lang === 'en') {
    await page.getByTestId('lang-switch').click();
    await page.getByRole('heading', { name: label('en', 'signInTitle') }).waitFor();
  }
  await page.getByLabel(label(lang, 'loginId'), { exact: true }).fill(clerk.loginId);
  await page.getByLabel(label(lang, 'password'), { exact: true }).fill(STAFF_PASSWORD);
  if (options.wrongCodeFirst) {
    const wrong = clerk.totp() === '000000' ? '111111' : '000000';
    await page.getByLabel(label(lang, 'totp'), { exact: true }).fill(wrong);
    await page.getByRole('button', { name: label(lang, 'signIn'), exact: true }).click();
    const refused = page.locator('[data-error-code="STAFF_LOGIN_FAILED"]');
    await refused.waitFor();
    const text = (await refused.textContent()) ?? '';
    if (!text.includes(lang === 'ja' ? 'ログインできませんでした' : 'Sign-in failed')) throw new Error(`sign-in refusal not in ${lang}: ${text}`);
    await snap(page, lang, `${shot}-refused`);
  }
  await page.getByLabel(label(lang, 'totp'), { exact: true }).fill(clerk.totp());
  await snap(page, lang, shot);
  await page.getByRole('button', { name: label(lang, 'signIn'), exact: true }).click();
  await page.getByTestId('staff-name').waitFor();
}

/** Types a 4-digit PIN twice on the customer pad's on-screen keys. */
export async function padDigits(pad: Page, pin: string) {
  for (let round = 0; round < 2; round += 1) {
    for (const d of pin) await pad.locator(`.keypad [data-key="${d}"]`).click();
    await pad.getByTestId('pad-ok').click();
    // The first entry is checked by the server (weak PINs are refused as entered); wait for the confirmation step.
    if (round === 0) await pad.locator('section[data-phase="confirm"]').waitFor();
  }
}

/** Types the signing password twice in the customer pad's text field. */
export async function padText(pad: Page, password: string) {
  for (let round = 0; round < 2; round += 1) {
    await pad.getByTestId('sign-input').fill(password);
    await pad.getByTestId('pad-ok').click();
    if (round === 0) await pad.locator('section[data-phase="confirm"]').waitFor();
  }
}
