// Throttling in the admin console: after the free failed logins the server answers 429 with a
// Retry-After; the login page says how long to wait, in Chinese and in English.
// Against the real stack (no simulator needed).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoPageErrors, newAdminPage } from './lib/admin.mjs';
import { ApiCallError, accounts, launchBrowser, screenshot, startStack } from './lib/stack.mjs';

let stack;
let browser;

before(async () => {
  stack = await startStack({ demo: true, sim: false });
  browser = await launchBrowser();
});

after(async () => {
  try {
    await browser?.close();
  } finally {
    await stack?.stop();
  }
});

test('wrong staff passwords end in "too many attempts, try again in N s", in both languages', async () => {
  const page = await newAdminPage(browser);
  await page.goto(stack.adminUrl);
  const who = accounts.maintainer.login; // the other journeys' admin stays usable
  await page.getByTestId('login-name').fill(who);
  const alert = page.getByTestId('login-error');
  let failures = 0;
  let text = '';
  for (let i = 1; i <= 10; ++i) {
    await page.getByTestId('login-password').fill(`wrong-password-${i}`);
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/staff/login'));
    await page.getByTestId('login-submit').click();
    const response = await answered;
    await alert.waitFor();
    text = await alert.innerText();
    if (response.status() === 429) break;
    assert.equal(response.status(), 401);
    assert.match(text, /账号或密码错误/);
    failures += 1;
  }
  assert.ok(failures >= 1, 'some wrong passwords are answered 401 before the throttle');
  const zh = text.match(/尝试次数过多，请 (\d+) 秒后再试/);
  assert.ok(zh, `the 429 message with the wait, got "${text}"`);
  assert.ok(Number(zh[1]) > 0);
  await screenshot(page, 'admin-login-throttled');

  // The API says the same: 429 too_many_requests with a Retry-After header. The first waits are short
  // (1 s, 2 s ...): on a slow machine one may have passed since the page's answer, and a try after it
  // is a plain wrong password (401) that doubles the next wait, so a few tries reach the 429.
  let refused;
  for (let i = 1; i <= 4; ++i) {
    refused = await stack.api('POST', '/auth/staff/login', { login: who, password: `wrong-again-${i}` }).then(
      () => null,
      (e) => e,
    );
    if (!(refused instanceof ApiCallError) || refused.status !== 401) break;
  }
  assert.ok(refused instanceof ApiCallError);
  assert.equal(refused.status, 429);
  assert.equal(refused.code, 'too_many_requests');
  assert.ok(refused.retryAfter > 0, 'Retry-After in seconds');

  // English. The wait doubles with every further failure (1 s, 2 s, 4 s ...), so a try after it
  // has passed is a plain wrong password again, and the next one waits longer.
  await page.evaluate(() => localStorage.setItem('kw-admin-locale', 'en'));
  await page.reload();
  await page.getByTestId('login-name').fill(who);
  let en = '';
  for (let i = 1; i <= 5 && !/Too many attempts/.test(en); ++i) {
    await page.getByTestId('login-password').fill(`wrong-password-en-${i}`);
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/staff/login'));
    await page.getByTestId('login-submit').click();
    const response = await answered;
    await page.getByTestId('login-error').waitFor();
    en = await page.getByTestId('login-error').innerText();
    if (response.status() !== 429) assert.match(en, /wrong|incorrect|invalid/i);
  }
  assert.match(en, /Too many attempts, try again in \d+ s/);
  await screenshot(page, 'admin-login-throttled-en');
  assertNoPageErrors(page);
  await page.context().close();
});
