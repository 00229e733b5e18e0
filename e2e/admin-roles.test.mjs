// Journey: what each staff role sees. A maintainer has no refund button and no people pages (the
// menu hides them, the router shows 403, the API answers 403); an operator sees drivers but not
// employees or the audit log.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoPageErrors, login, newAdminPage, shot } from './lib/admin.mjs';
import { ApiCallError, launchBrowser, startStack, waitFor } from './lib/stack.mjs';

let stack;
let browser;
let settledId;

before(async () => {
  stack = await startStack({ demo: true });
  browser = await launchBrowser();
  // a paid, settled order to look at
  const admin = await stack.staffToken('admin');
  await waitFor(async () => (await stack.api('GET', '/chargers/BJ-DC-01', undefined, admin)).online, {
    what: 'BJ-DC-01 online',
    timeoutMs: 30000,
  });
  const driver = await stack.driverToken();
  const order = await stack.api('POST', '/orders', { charger_code: 'BJ-DC-01', connector: 2 }, driver);
  await waitFor(async () => (await stack.api('GET', `/orders/${order.id}`, undefined, driver)).live?.cost_fen > 0, {
    what: 'some cost',
    timeoutMs: 30000,
  });
  await stack.api('POST', `/orders/${order.id}/stop`, undefined, driver);
  await waitFor(async () => (await stack.api('GET', `/orders/${order.id}`, undefined, driver)).state === 'settled', {
    what: 'settled',
  });
  settledId = order.id;
});

after(async () => {
  try {
    await browser?.close();
  } finally {
    await stack?.stop();
  }
});

async function menuPaths(page) {
  return page.locator('[data-menu]').evaluateAll((els) => els.map((e) => e.getAttribute('data-menu')));
}

test('a maintainer sees the network and orders but no refund, drivers or employees', async () => {
  const page = await newAdminPage(browser);
  await login(page, stack, 'maintainer');
  assert.match(await page.getByTestId('user-role').innerText(), /运维/);
  const menu = await menuPaths(page);
  assert.deepEqual(menu, ['/', '/stations', '/chargers', '/tariffs', '/monitor', '/orders']);

  await page.goto(`${stack.adminUrl}orders/${settledId}`);
  await page.getByTestId('order-segments').waitFor();
  assert.equal(await page.getByTestId('order-state').getAttribute('data-state'), 'settled');
  assert.equal(await page.getByTestId('order-refund').count(), 0, 'no refund button');
  await shot(page, 'admin-maintainer-order');

  for (const path of ['employees', 'drivers', 'audit']) {
    await page.goto(`${stack.adminUrl}${path}`);
    await page.getByTestId('forbidden').waitFor();
  }
  await shot(page, 'admin-maintainer-403');
  assertNoPageErrors(page);
  await page.context().close();

  // the server enforces the same
  const token = await stack.staffToken('maintainer');
  const refused = async (method, path, body) => {
    const e = await stack.api(method, path, body, token).then(
      () => null,
      (err) => err,
    );
    assert.ok(e instanceof ApiCallError, `${method} ${path} must fail`);
    assert.equal(e.status, 403, `${method} ${path}`);
    assert.equal(e.code, 'forbidden');
  };
  await refused('POST', `/admin/orders/${settledId}/refunds`, { amount_fen: 1, reason: 'not allowed' });
  await refused('GET', '/admin/employees');
  await refused('POST', '/admin/employees', { login: 'x1x', password: 'Abcdefg1', name: 'x', role: 'admin' });
  await refused('GET', '/admin/drivers');
  await refused('GET', '/admin/audit');
  // what the role may do still works
  assert.ok((await stack.api('GET', '/admin/chargers', undefined, token)).total >= 9);
});

test('an operator manages drivers and money but not employees or the audit log', async () => {
  const page = await newAdminPage(browser);
  await login(page, stack, 'operator');
  const menu = await menuPaths(page);
  assert.ok(menu.includes('/drivers'));
  assert.ok(!menu.includes('/employees'));
  assert.ok(!menu.includes('/audit'));
  await page.goto(`${stack.adminUrl}orders/${settledId}`);
  await page.getByTestId('order-refund').waitFor();
  await page.goto(`${stack.adminUrl}employees`);
  await page.getByTestId('forbidden').waitFor();
  assertNoPageErrors(page);
  await page.context().close();
  const token = await stack.staffToken('operator');
  const e = await stack.api('GET', '/admin/audit', undefined, token).then(
    () => null,
    (err) => err,
  );
  assert.equal(e?.status, 403);
});
