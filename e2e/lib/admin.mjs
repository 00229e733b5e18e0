// Helpers for the admin console journeys (e2e/admin-*.test.mjs): a browser page at 1280x800 in
// Asia/Shanghai, sign-in through the login form, Element Plus selects and confirmation boxes.
import { watchPageErrors } from './page.mjs';
import { accounts, screenshot } from './stack.mjs';

export { assertNoPageErrors } from './page.mjs';

/**
 * A new page in its own context (fresh localStorage). Uncaught page errors are collected in
 * page.kwErrors; assertNoPageErrors(page) fails the test on any.
 */
export async function newAdminPage(browser, { width = 1280, height = 800, locale = 'zh-CN' } = {}) {
  const context = await browser.newContext({
    viewport: { width, height },
    timezoneId: 'Asia/Shanghai',
    locale,
    acceptDownloads: true,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  return watchPageErrors(page);
}

/** Signs in through the login form and waits for the layout. who: admin | operator | maintainer. */
export async function login(page, stack, who = 'admin', path = '') {
  const { login: name, password } = accounts[who];
  await page.goto(stack.adminUrl + path);
  await page.getByTestId('login-name').fill(name);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('user-menu').waitFor();
}

/** Opens an Element Plus select (locator of the .el-select) and clicks the option with this text. */
export async function selectOption(page, select, text) {
  await select.click();
  const option = page.locator('.el-select-dropdown__item:visible', { hasText: text }).first();
  await option.click();
}

/** Clicks OK in the visible ElMessageBox (confirm / prompt). */
export async function confirmBox(page) {
  const box = page.locator('.el-message-box:visible');
  await box.waitFor();
  await box.locator('.el-button--primary').click();
  await box.waitFor({ state: 'hidden' });
}

/** The text of the visible success/error toasts. */
export async function toastTexts(page) {
  return page.locator('.el-message').allInnerTexts();
}

/**
 * Waits for a toast of the given type (success | error | warning), with text matching `pattern`
 * when given (an earlier toast may still be showing), and returns its text.
 */
export async function waitForToast(page, type = 'success', pattern = undefined) {
  const toast = page.locator(`.el-message--${type}`, pattern ? { hasText: pattern } : {}).last();
  await toast.waitFor();
  return toast.innerText();
}

/**
 * Screenshot under e2e/output/ after fonts and transitions settle. Toasts are hidden for the
 * picture (toasts: true keeps them).
 */
export async function shot(page, name, { toasts = false } = {}) {
  await page.evaluate(() => document.fonts?.ready);
  await page.waitForTimeout(350);
  const style = toasts ? null : await page.addStyleTag({ content: '.el-message { visibility: hidden !important; }' });
  try {
    return await screenshot(page, name);
  } finally {
    await style?.evaluate((el) => el.remove());
  }
}
