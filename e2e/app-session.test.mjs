// The driver's session in the app: the live page stops when the session is revoked (the account
// disabled by staff, or logged out in another tab): the server closes the socket with 4001, the app
// does not reconnect and goes to the login page. Throttling: failed logins end in "too many
// attempts, try again in N s", and "get code" for the SMS counts down.
// Against the real stack: kilowatt (SQLite, demo data), Mosquitto, Redis, kilowatt-sim.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoPageErrors, logIn, openPhone, shot } from './lib/app.mjs';
import { launchBrowser, screenshot, sleep, startStack, waitFor } from './lib/stack.mjs';

const CHARGER = 'SH-AC-02';
const CONNECTOR = 1;

let stack;
let browser;

before(async () => {
  stack = await startStack({ demo: true });
  browser = await launchBrowser();
});

after(async () => {
  try {
    await browser?.close();
  } finally {
    await stack?.stop();
  }
});

/** Counts the page's ticket requests and WebSockets (their URLs) from now on. */
function watchLive(page) {
  const seen = { tickets: 0, sockets: [] };
  page.on('request', (r) => {
    if (r.url().endsWith('/api/v1/ws-ticket') && r.method() === 'POST') seen.tickets += 1;
  });
  page.on('websocket', (ws) => seen.sockets.push(ws.url()));
  return seen;
}

test('a revoked session stops the live charging page and goes to the login page', async () => {
  const { context, page } = await openPhone(browser);
  const live = watchLive(page);

  // ---- log in and start charging
  await page.goto(`${stack.appUrl}c/${CHARGER}/${CONNECTOR}`);
  await page.waitForURL(/\/app\/login/);
  await logIn(page);
  await page.waitForURL(new RegExp(`/app/c/${CHARGER}/${CONNECTOR}$`));
  await page.locator('[data-test=start]').click();
  await page.waitForURL(/\/app\/charging\/\d+$/);
  const chargingUrl = page.url();
  const orderId = Number(chargingUrl.split('/').pop());
  const state = () => page.locator('[data-test=charging-page]').getAttribute('data-state');
  await waitFor(async () => (await state()) === 'charging', { timeoutMs: 30000, what: 'charging' });
  await waitFor(async () => Number((await page.locator('[data-test=live-energy]').innerText()).replace(/[^0-9.]/g, '')) > 0, {
    timeoutMs: 20000,
    what: 'energy on screen',
  });

  // The socket was opened with a one-time ticket, never with the token.
  const session = JSON.parse(await page.evaluate(() => localStorage.getItem('kw.app.session')));
  assert.ok(live.tickets >= 1);
  assert.ok(live.sockets.length >= 1);
  for (const url of live.sockets) {
    assert.match(url, /\/api\/v1\/ws\?ticket=[0-9a-f]{64}$/);
    assert.ok(!url.includes(session.token), 'the token is not in the WebSocket URL');
  }

  // ---- staff disable the driver: the server closes the socket (4001), the app leaves the page
  const admin = await stack.staffToken('admin');
  const me = await stack.api('GET', '/me', undefined, session.token);
  const ticketsBefore = live.tickets;
  const t0 = Date.now();
  await stack.api('POST', `/admin/drivers/${me.id}/disable`, undefined, admin);
  await page.waitForURL(/\/app\/login\?redirect=/, { timeout: 10000 });
  const tookMs = Date.now() - t0;
  await page.locator('.van-toast').getByText('登录已过期，请重新登录').waitFor();
  await screenshot(page, 'app-50-revoked-to-login');
  assert.equal(await page.evaluate(() => localStorage.getItem('kw.app.session')), null);
  // No reconnecting with a dead session: no new ticket is asked for, no socket opened.
  const socketsAfter = live.sockets.length;
  await sleep(3000);
  assert.equal(live.tickets, ticketsBefore, 'no ticket asked after the revocation');
  assert.equal(live.sockets.length, socketsAfter, 'no socket opened after the revocation');
  console.log(`app-session: the live page went to the login page ${tookMs} ms after the driver was disabled`);

  // A disabled driver cannot log in again.
  await logIn(page);
  await page.locator('.van-toast').getByText('账号已被停用，请联系客服').waitFor();

  // ---- enabled again: log in, back on the live page; then a logout in another tab ends this one
  await stack.api('POST', `/admin/drivers/${me.id}/enable`, undefined, admin);
  await logIn(page);
  await page.waitForURL(chargingUrl);
  await waitFor(async () => (await state()) === 'charging', { timeoutMs: 15000, what: 'charging again' });
  const other = await context.newPage();
  await other.goto(`${stack.appUrl}me`);
  await other.locator('[data-test=logout]').click();
  await other.locator('.van-dialog__confirm').click();
  await other.waitForURL(/\/app\/login/);
  await page.waitForURL(/\/app\/login\?redirect=/, { timeout: 10000 });
  await shot(page, 'app-51-logged-out-elsewhere');
  await other.close();

  // Clean up: the session is stopped by staff.
  await stack.api('POST', `/admin/orders/${orderId}/force-stop`, undefined, admin);
  assertNoPageErrors(page);
  await context.close();
});

test('failed driver logins end in "too many attempts, try again in N s"; "get code" counts down', async () => {
  const phone = `137${String(Date.now()).slice(-8)}`;
  const password = 'Drive1234';
  await stack.registerDriver(phone, password, 'throttled');
  const { context, page } = await openPhone(browser);
  await page.goto(`${stack.appUrl}login`);
  await page.locator('[data-test=submit]').waitFor();

  let throttled = null;
  for (let i = 1; i <= 10 && !throttled; ++i) {
    await logIn(page, phone, `Wrong${1000 + i}`);
    const toast = page.locator('.van-toast:visible');
    await toast.waitFor();
    const text = await toast.innerText();
    if (/尝试次数过多/.test(text)) {
      throttled = text;
      await screenshot(page, 'app-52-login-throttled'); // while the toast shows
    } else {
      assert.match(text, /手机号或密码错误/);
    }
    await toast.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
  }
  // The wait doubles with each failure past the free ones (1 s, 2 s ...): tries come faster than it.
  assert.ok(throttled, 'the login was throttled');
  assert.match(throttled, /尝试次数过多，请 \d+ 秒后再试/);

  // Registration: "get code" texts a code and counts down until another may be asked.
  await page.locator('[data-test=switch-mode]').click();
  const fresh = `136${String(Date.now()).slice(-8)}`;
  await page.locator('[data-test=phone] input').fill(fresh);
  await page.locator('[data-test=send-code]').click();
  await stack.smsCode(fresh);
  const button = page.locator('[data-test=send-code]');
  await button.getByText(/\d+ 秒后重发/).waitFor();
  const first = Number((await button.innerText()).replace(/\D/g, ''));
  await sleep(2100);
  const later = Number((await button.innerText()).replace(/\D/g, ''));
  assert.ok(later < first, `the countdown goes down (${first} -> ${later})`);
  assert.ok(await button.isDisabled());
  await shot(page, 'app-53-register-countdown');

  assertNoPageErrors(page);
  await context.close();
});
