// Helpers for the driver app journeys (e2e/app-*.test.mjs): a phone (375x812, touch) in Asia/Shanghai
// standing at the demo Shanghai station, uncaught page errors collected, the login form, and
// screenshots once toasts and dialogs are gone. The console's equivalent is admin.mjs.
import { accounts, screenshot } from './stack.mjs';
import { watchPageErrors } from './page.mjs';

export { assertNoPageErrors } from './page.mjs';

/** The demo Shanghai station (WGS-84), where the phone says it is. */
export const SHANGHAI = { latitude: 31.2304, longitude: 121.4737 };

/**
 * A new phone context (fresh storage, geolocation granted). options: locale ('zh-CN'),
 * geolocation (SHANGHAI, or null for none), permissions (['geolocation']).
 */
export function newPhoneContext(browser, { locale = 'zh-CN', geolocation = SHANGHAI, permissions = ['geolocation'] } = {}) {
  return browser.newContext({
    viewport: { width: 375, height: 812 },
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    locale,
    timezoneId: 'Asia/Shanghai',
    ...(geolocation ? { geolocation, permissions } : {}),
  });
}

/** A page of the context whose uncaught errors assertNoPageErrors(page) checks. */
export async function newAppPage(context) {
  const page = await context.newPage();
  watchPageErrors(page);
  return page;
}

/** A phone context and its first page: { context, page }. options as for newPhoneContext. */
export async function openPhone(browser, options) {
  const context = await newPhoneContext(browser, options);
  return { context, page: await newAppPage(context) };
}

/** Fills and submits the login form the page shows (the demo driver by default). */
export async function logIn(page, phone = accounts.driver.phone, password = accounts.driver.password) {
  await page.locator('[data-test=phone] input').fill(phone);
  await page.locator('[data-test=password] input').fill(password);
  await page.locator('[data-test=submit]').click();
}

/** Screenshot under e2e/output/ once toasts and dialogs are gone, so it shows the page itself. */
export async function shot(page, name, options) {
  await page
    .locator('.van-toast:visible, .van-dialog:visible')
    .first()
    .waitFor({ state: 'detached', timeout: 5000 })
    .catch(() => {});
  return screenshot(page, name, options);
}
