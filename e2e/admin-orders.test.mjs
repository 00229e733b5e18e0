// Journey: a driver starts charging through the API; the session streams live on the monitoring
// page (the power chart moves) and on the order page; the operator force-stops it, the order
// settles with its per-period breakdown and is refunded with a reason; the filtered list exports
// to CSV.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { assertNoPageErrors, confirmBox, login, newAdminPage, selectOption, shot, waitForToast } from './lib/admin.mjs';
import { launchBrowser, startStack, waitFor } from './lib/stack.mjs';

const CODE = 'SH-DC-01';
let stack;
let browser;
let page;
let adminToken;
let order;

before(async () => {
  stack = await startStack({ demo: true });
  browser = await launchBrowser();
  adminToken = await stack.staffToken('admin');
  await waitFor(async () => (await stack.api('GET', `/chargers/${CODE}`, undefined, adminToken)).online, {
    what: `${CODE} online`,
    timeoutMs: 30000,
  });
  page = await newAdminPage(browser);
  await login(page, stack, 'operator');
});

after(async () => {
  try {
    await browser?.close();
  } finally {
    await stack?.stop();
  }
});

test('a session started through the API streams live on the monitoring page', async () => {
  await page.locator('[data-menu="/monitor"]').click();
  await selectOption(page, page.getByTestId('monitor-charger'), CODE);
  await page.locator(`[data-monitor-online="${CODE}"]`).waitFor();
  assert.equal(await page.locator(`[data-monitor-online="${CODE}"]`).getAttribute('data-online'), 'true');

  const driverToken = await stack.driverToken();
  order = await stack.api('POST', '/orders', { charger_code: CODE, connector: 1 }, driverToken);

  const points = page.getByTestId('power-chart');
  await waitFor(async () => Number(await points.getAttribute('data-points')) >= 2, { what: 'power points arriving' });
  const first = Number(await points.getAttribute('data-points'));
  await waitFor(async () => Number(await points.getAttribute('data-points')) >= first + 2, { what: 'the power chart moving' });
  const watts = Number(await page.getByTestId('monitor-total-power').getAttribute('data-watts'));
  assert.ok(watts > 1000, `power ${watts} W`);
  await waitFor(async () => (await page.getByTestId('monitor-events').innerText()).includes('充电中'), {
    what: 'the status change in the event log',
  });
  await shot(page, 'admin-monitor');
});

test('the order page follows the session live and force stop settles it with its breakdown', async () => {
  await page.locator('[data-menu="/orders"]').click();
  const state = page.locator(`[data-order-state="${order.id}"]`);
  await state.waitFor();
  await waitFor(async () => (await state.getAttribute('data-state')) === 'charging', { what: 'charging in the list' });
  await shot(page, 'admin-orders');
  await page.locator(`[data-order-link="${order.id}"]`).click();
  await page.getByTestId('order-live').waitFor();
  const energy = page.getByTestId('order-energy');
  const e1 = await energy.innerText();
  await waitFor(async () => (await energy.innerText()) !== e1, { what: 'energy growing on the order page' });
  await page.getByTestId('order-live-chart').waitFor();
  await shot(page, 'admin-order-live');

  // let it charge a little so there is money to refund
  await waitFor(async () => (await stack.api('GET', `/admin/orders/${order.id}`, undefined, adminToken)).live?.cost_fen >= 20, {
    what: 'some cost',
    timeoutMs: 30000,
  });
  await page.getByTestId('order-force-stop').click();
  await confirmBox(page);
  await waitFor(async () => (await page.getByTestId('order-state').getAttribute('data-state')) === 'settled', {
    what: 'settled on the page (pushed)',
    timeoutMs: 20000,
  });
  const settled = await stack.api('GET', `/admin/orders/${order.id}`, undefined, adminToken);
  assert.equal(settled.stop_reason, 'admin');
  assert.ok(settled.segments.length >= 1);
  const rows = page.getByTestId('order-segments').locator('.el-table__body .el-table__row');
  await waitFor(async () => (await rows.count()) === settled.segments.length, { what: 'the breakdown rows' });
  assert.equal(await page.getByTestId('order-total').innerText(), `¥${(settled.total_fen / 100).toFixed(2)}`);
  await page.getByTestId('order-settled-chart').waitFor();
  assert.match(await page.getByTestId('order-stop-reason').innerText(), /后台停止/);
  await shot(page, 'admin-order-settled');
});

test('a refund needs a reason and a valid amount, then shows on the order', async () => {
  const before = await stack.api('GET', `/admin/orders/${order.id}`, undefined, adminToken);
  assert.ok(before.paid_fen > 0, 'the order was paid');
  await page.getByTestId('order-refund').click();
  const dialog = page.getByTestId('refund-dialog');
  await dialog.waitFor();
  await page.getByTestId('refund-amount').fill(String(before.paid_fen)); // yuan: 100x too much
  await page.getByTestId('refund-confirm').click();
  await waitFor(async () => (await dialog.innerText()).includes('不能超过可退金额'), { what: 'amount refused' });
  assert.match(await dialog.innerText(), /请填写原因/);
  await page.getByTestId('refund-amount').fill('0.10');
  await page.getByTestId('refund-reason').fill('E2E 测试退款');
  await shot(page, 'admin-order-refund');
  await page.getByTestId('refund-confirm').click();
  assert.match(await waitForToast(page, 'success', /已退款 ¥0\.10/), /已退款 ¥0\.10/);
  await waitFor(async () => (await page.getByTestId('order-refunded').innerText()) === '¥0.10', { what: 'refunded shown' });
  const after = await stack.api('GET', `/admin/orders/${order.id}`, undefined, adminToken);
  assert.equal(after.refunded_fen, 10);
  const audit = await stack.api('GET', '/admin/audit?action=order.refund', undefined, adminToken);
  assert.equal(audit.items[0].target, `order:${order.id}`);
});

test('the filtered order list exports to CSV', async () => {
  // a second order, by the same driver elsewhere, stays out of the filter
  const driverToken = await stack.driverToken();
  const other = await stack.api('POST', '/orders', { charger_code: 'BJ-AC-01', connector: 1 }, driverToken);
  // stop it once charging: stopping an order still 'starting' deadlocks the server on SQLite
  // (service::request_stop holds the one pooled session while cancel_start asks for another)
  await waitFor(async () => (await stack.api('GET', `/orders/${other.id}`, undefined, driverToken)).state === 'charging', {
    what: 'the other order charging',
  });
  await stack.api('POST', `/orders/${other.id}/stop`, undefined, driverToken);
  await page.goto(`${stack.adminUrl}orders?charger_code=${CODE}&state=settled`);
  await page.getByTestId('orders-table').waitFor();
  await page.getByTestId('orders-driver').fill('13800138000'); // a phone: looked up to the driver's ID
  await page.getByTestId('orders-search').click();
  await waitFor(async () => (await page.locator('[data-order-link]').count()) === 1, { what: 'the filtered list' });
  assert.equal(await page.locator('[data-order-link]').first().getAttribute('data-order-link'), String(order.id));
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('orders-export').click()]);
  const text = fs.readFileSync(await download.path(), 'utf8');
  const lines = text.trimEnd().split('\r\n'); // trim() would also drop the BOM
  assert.equal(lines.length, 2, text);
  assert.ok(lines[0].startsWith('\uFEFF订单号,状态,站点'), JSON.stringify(lines[0]));
  assert.ok(lines[1].startsWith(`${order.id},已结算,上海人民广场充电站,${CODE},1,`), lines[1]);
  assertNoPageErrors(page);
});
