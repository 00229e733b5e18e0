// Journey: an admin looks up a driver (orders, balance history), adjusts the balance with a reason,
// disables and enables the account; creates an employee with a role, resets the password, disables
// them; finds all of it in the audit log.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoPageErrors, confirmBox, login, newAdminPage, selectOption, shot, waitForToast } from './lib/admin.mjs';
import { ApiCallError, launchBrowser, startStack, waitFor } from './lib/stack.mjs';

let stack;
let browser;
let page;
let adminToken;

before(async () => {
  stack = await startStack({ demo: true, sim: false });
  browser = await launchBrowser();
  adminToken = await stack.staffToken('admin');
  page = await newAdminPage(browser);
  await login(page, stack, 'admin');
});

after(async () => {
  try {
    await browser?.close();
  } finally {
    await stack?.stop();
  }
});

test('a driver is found, their balance adjusted with a reason, disabled and enabled again', async () => {
  await page.locator('[data-menu="/drivers"]').click();
  await page.getByTestId('driver-search').fill('138001');
  await page.getByTestId('driver-search').press('Enter');
  const link = page.getByTestId('drivers-table').locator('a', { hasText: '13800138000' });
  await link.waitFor();
  await shot(page, 'admin-drivers');
  await link.click();
  await page.getByTestId('driver-balance').waitFor();
  assert.equal(await page.getByTestId('driver-balance').innerText(), '¥200.00');

  await page.getByTestId('driver-adjust').click();
  await page.getByTestId('adjust-delta').fill('abc');
  await page.getByTestId('adjust-confirm').click();
  await waitFor(async () => (await page.locator('.el-dialog:visible').innerText()).includes('请输入非零金额'), { what: 'delta refused' });
  await page.getByTestId('adjust-delta').fill('-12.5');
  await page.getByTestId('adjust-reason').fill('E2E 补偿扣回');
  await page.getByTestId('adjust-confirm').click();
  assert.match(await waitForToast(page, 'success', /¥187\.50/), /¥187\.50/);
  await waitFor(async () => (await page.getByTestId('driver-balance').innerText()) === '¥187.50', { what: 'new balance' });
  await waitFor(async () => (await page.getByTestId('driver-ledger').innerText()).includes('E2E 补偿扣回'), { what: 'ledger row' });
  await shot(page, 'admin-driver');

  await page.getByTestId('driver-toggle').click();
  await confirmBox(page);
  await waitFor(async () => (await page.getByTestId('driver-status').innerText()) === '已停用', { what: 'disabled' });
  const refused = await stack.driverToken().then(
    () => null,
    (e) => e,
  );
  assert.ok(refused instanceof ApiCallError, 'a disabled driver cannot sign in');
  await page.getByTestId('driver-toggle').click();
  await confirmBox(page);
  await waitFor(async () => (await page.getByTestId('driver-status').innerText()) === '正常', { what: 'enabled' });
  assert.ok(await stack.driverToken());
});

test('an employee is created with a role, gets a new password and is disabled', async () => {
  await page.locator('[data-menu="/employees"]').click();
  await page.getByTestId('employee-create').click();
  await page.getByTestId('employee-login').fill('e2e.maint');
  await page.getByTestId('employee-name').fill('E2E 运维');
  await selectOption(page, page.getByTestId('employee-role'), '运维');
  await page.getByTestId('employee-password').fill('short');
  await page.getByTestId('employee-save').click();
  await waitFor(async () => (await page.getByTestId('employee-dialog').innerText()).includes('密码需 8-64 位'), {
    what: 'password refused',
  });
  await page.getByTestId('employee-password').fill('Maint5678');
  await page.getByTestId('employee-save').click();
  await waitForToast(page, 'success');
  const row = page.locator('.el-table__row', { hasText: 'e2e.maint' });
  await row.waitFor();
  const login1 = await stack.api('POST', '/auth/staff/login', { login: 'e2e.maint', password: 'Maint5678' });
  const me = await stack.api('GET', '/me', undefined, login1.token);
  assert.equal(me.role, 'maintainer');

  // the server's refusal of a duplicate login is shown
  await page.getByTestId('employee-create').click();
  await page.getByTestId('employee-login').fill('e2e.maint');
  await page.getByTestId('employee-name').fill('dup');
  await page.getByTestId('employee-password').fill('Maint5678');
  await page.getByTestId('employee-save').click();
  const message = await waitForToast(page, 'error');
  assert.match(message, /当前状态不允许此操作|请求无效/);
  await page.locator('.el-dialog:visible .el-button', { hasText: '取消' }).click();

  await row.locator('button', { hasText: '重置密码' }).click();
  await page.locator('.el-dialog:visible input[type="password"]').fill('NewPass999');
  await page.locator('.el-dialog:visible .el-button--primary').click();
  assert.match(await waitForToast(page, 'success', /密码已重置/), /密码已重置/);
  assert.ok((await stack.api('POST', '/auth/staff/login', { login: 'e2e.maint', password: 'NewPass999' })).token);

  await row.locator('button', { hasText: '停用' }).click();
  await confirmBox(page);
  await waitFor(async () => (await row.locator('.el-tag', { hasText: '停用' }).count()) === 1, { what: 'disabled' });
  const e = await stack.api('POST', '/auth/staff/login', { login: 'e2e.maint', password: 'NewPass999' }).then(
    () => null,
    (err) => err,
  );
  assert.ok(e instanceof ApiCallError, 'a disabled employee cannot sign in');
  await shot(page, 'admin-employees');
});

test('the audit log lists the staff actions and filters them', async () => {
  await page.locator('[data-menu="/audit"]').click();
  const table = page.getByTestId('audit-table');
  await table.waitFor();
  await waitFor(async () => (await table.innerText()).includes('employee:'), { what: 'employee actions listed' });
  await selectOption(page, page.getByTestId('audit-action'), '调整余额');
  await waitFor(
    async () =>
      (await table.locator('[data-action]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')))).every(
        (a) => a === 'driver.adjust_balance',
      ),
    {
      what: 'only balance adjustments',
    },
  );
  assert.equal(await table.locator('[data-action]').count(), 1);
  assert.match(await table.innerText(), /E2E 补偿扣回/);
  await shot(page, 'admin-audit');
  const api = await stack.api('GET', '/admin/audit?action=employee.create', undefined, adminToken);
  assert.equal(api.total, 1);
  assert.match(api.items[0].target, /^employee:\d+$/);
  assertNoPageErrors(page);
});
