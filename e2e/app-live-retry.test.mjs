// Driver app journey on a bad network: the live screen's WebSocket is cut while charging and stays
// down for a few seconds, during which the car fills up and the session ends at the charger. The
// app says it is reconnecting, reconnects, and shows the final bill with the reason; one order, one
// charge in the ledger, nothing lost or counted twice.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoPageErrors, logIn, newAppPage, newPhoneContext, shot } from './lib/app.mjs';
import { launchBrowser, sleep, startStack, waitFor } from './lib/stack.mjs';

const CHARGER = 'SH-DC-01';
const CONNECTOR = 2;

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

test('a dropped live connection loses nothing: the session ended meanwhile shows its final bill', async () => {
  const context = await newPhoneContext(browser, { geolocation: null });
  // Every WebSocket of the app goes through here: passed to the server, unless the network is "down".
  let down = false;
  const live = [];
  await context.routeWebSocket(/\/api\/v1\/ws/, (ws) => {
    if (down) {
      ws.close({ code: 1006, reason: 'network down' });
      return;
    }
    const server = ws.connectToServer();
    live.push({ ws, server });
  });
  const page = await newAppPage(context);

  const token = await stack.driverToken();
  const before = (await stack.api('GET', '/wallet', undefined, token)).balance_fen;

  await page.goto(`${stack.appUrl}c/${CHARGER}/${CONNECTOR}`);
  await page.waitForURL(/\/app\/login/);
  await logIn(page);
  await page.waitForURL(new RegExp(`/app/c/${CHARGER}/${CONNECTOR}$`));
  await page.locator('[data-test=start]').click();
  await page.waitForURL(/\/app\/charging\/\d+$/);
  const orderId = Number(page.url().split('/').pop());
  const state = () => page.locator('[data-test=charging-page]').getAttribute('data-state');
  await waitFor(async () => (await state()) === 'charging', { timeoutMs: 30000, what: 'charging' });
  await waitFor(async () => Number((await page.locator('[data-test=live-energy]').innerText()).replace(/[^0-9.]/g, '')) > 0, {
    timeoutMs: 20000,
    what: 'energy on screen',
  });

  // ---- the network drops; the car fills up while the app is away
  down = true;
  for (const { ws, server } of live.splice(0)) {
    await ws.close({ code: 1006, reason: 'network down' }).catch(() => {});
    await server.close().catch(() => {});
  }
  await page.locator('[data-test=reconnecting]').waitFor();
  await shot(page, 'app-40-reconnecting');
  assert.equal((await stack.simControl(`ev-full ${CHARGER} ${CONNECTOR}`)).ok, true);
  await waitFor(async () => (await stack.api('GET', `/orders/${orderId}`, undefined, token)).state === 'settled', {
    timeoutMs: 20000,
    what: 'the server to settle the order',
  });
  await sleep(1000);

  // ---- back online: the app reconnects and shows how it ended
  down = false;
  await waitFor(async () => (await state()) === 'settled', { timeoutMs: 20000, what: 'the final bill after reconnecting' });
  await page.locator('[data-test=stop-reason]').getByText('车辆已充满').waitFor();
  await page.locator('[data-test=reconnecting]').waitFor({ state: 'detached' });
  await shot(page, 'app-41-after-reconnect', { fullPage: true });

  const order = await stack.api('GET', `/orders/${orderId}`, undefined, token);
  assert.equal(order.stop_reason, 'ev_full');
  const fen = (n) => `¥${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`;
  assert.equal((await page.locator('[data-test=final-total]').innerText()).trim(), fen(order.total_fen));

  // One session, charged once.
  const orders = (await stack.api('GET', '/orders?page_size=100', undefined, token)).items;
  assert.equal(orders.filter((o) => o.charger_code === CHARGER && o.connector === CONNECTOR).length, 1);
  const ledger = (await stack.api('GET', '/wallet/ledger?page_size=100', undefined, token)).items;
  assert.equal(ledger.filter((l) => l.order_id === orderId).length, order.paid_fen > 0 ? 1 : 0);
  assert.equal((await stack.api('GET', '/wallet', undefined, token)).balance_fen, before - order.paid_fen);

  assertNoPageErrors(page);
  await context.close();
});
