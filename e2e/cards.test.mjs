// Journey: RFID cards (充电卡). In the console an admin issues a card to the demo driver (a bad and
// a taken uid refused under the field), blocks it (confirmed), unblocks it and gives it a last
// valid day; the audit log lists it. In the driver app that driver sees the card with its expiry
// and reports it lost: the API then says the card is blocked, and the console shows it so. A
// driver without cards is told where cards come from. An OCPP 1.6J charge point (ocpp-rpc) asks
// about the card along the way: Accepted, Blocked, Accepted, and Blocked once reported lost.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoPageErrors, confirmBox, login, newAdminPage, shot, waitForToast } from './lib/admin.mjs';
import { logIn, openPhone, shot as phoneShot } from './lib/app.mjs';
import { ChargePoint, createOcppCharger } from './lib/ocpp.mjs';
import { accounts, launchBrowser, startStack, waitFor } from './lib/stack.mjs';

const UID = '04A2B3C4D5E6F7';

let stack;
let browser;
let admin;
let adminToken;
let driverId;
let cp; // an OCPP charge point on a demo station, to ask about the card (Authorize)

before(async () => {
  stack = await startStack({ demo: true, sim: false, ocpp: true });
  browser = await launchBrowser();
  adminToken = await stack.staffToken('admin');
  const found = await stack.api('GET', `/admin/drivers?q=${accounts.driver.phone}`, undefined, adminToken);
  driverId = found.items.find((d) => d.phone === accounts.driver.phone).id;
  admin = await newAdminPage(browser);
  const [station] = (await stack.api('GET', '/stations', undefined, adminToken)).items;
  cp = new ChargePoint(stack, await createOcppCharger(stack, adminToken, { code: 'CARD-CP-1', stationId: station.id }));
  await cp.connect();
  assert.equal((await cp.boot()).status, 'Accepted');
});

after(async () => {
  try {
    await cp?.close().catch(() => {});
    await browser?.close();
  } finally {
    await stack?.stop();
  }
});

const cardsOf = async () => (await stack.api('GET', `/admin/drivers/${driverId}/cards`, undefined, adminToken)).items;
const row = () => admin.getByTestId('cards-table').locator('.el-table__row', { hasText: UID }).first();
/** What the charger is told about the card (OCPP compares id tags without case). */
const authorize = async (idTag = UID.toLowerCase()) => (await cp.call('Authorize', { idTag })).idTagInfo.status;
const rowState = async () => row().getByTestId('card-state').getAttribute('data-state');

test('staff issue a card to a driver, block and unblock it and set its last day', async () => {
  await login(admin, stack, 'admin', `drivers/${driverId}`);
  await admin.getByTestId('driver-cards').waitFor();
  await admin.getByTestId('cards-table').getByText('尚未发放充电卡').waitFor();

  // ---- issue: a reserved uid is refused by the form, then a good one (kept upper case)
  await admin.getByTestId('card-issue').click();
  const dialog = admin.getByTestId('card-issue-dialog');
  await admin.getByTestId('card-uid-input').fill('kw-o1');
  await admin.getByTestId('card-issue-confirm').click();
  await dialog.getByText('KW-O 开头的卡号为系统保留').waitFor();
  await admin.getByTestId('card-uid-input').fill(UID.toLowerCase());
  await admin.getByTestId('card-label-input').fill('公司车 沪A12345');
  await shot(admin, 'admin-card-issue');
  await admin.getByTestId('card-issue-confirm').click();
  assert.match(await waitForToast(admin, 'success', UID), /已发放/);
  await row().waitFor();
  assert.equal(await rowState(), 'active');
  assert.equal(await row().getByTestId('card-expiry').innerText(), '长期有效');
  let [card] = await cardsOf();
  assert.equal(card.uid, UID);
  assert.equal(card.label, '公司车 沪A12345');
  assert.equal(card.expires_at, null);
  assert.equal(await authorize(), 'Accepted');

  // ---- the same uid again: said under the field, not issued twice
  await admin.getByTestId('card-issue').click();
  await admin.getByTestId('card-uid-input').fill(UID);
  await admin.getByTestId('card-issue-confirm').click();
  await dialog.getByText(`卡号 ${UID} 已发放过`).waitFor();
  await dialog.locator('.el-button', { hasText: '取消' }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal((await cardsOf()).length, 1);

  // ---- block (confirmed), unblock
  await row().getByTestId('card-toggle').click();
  await confirmBox(admin);
  await waitFor(async () => (await rowState()) === 'blocked', { what: 'card blocked in the table' });
  assert.equal((await cardsOf())[0].status, 'blocked');
  assert.equal(await authorize(), 'Blocked');
  await row().getByTestId('card-toggle').click(); // unblocking asks nothing
  await waitFor(async () => (await rowState()) === 'active', { what: 'card unblocked in the table' });
  assert.equal((await cardsOf())[0].status, 'active');
  assert.equal(await authorize(), 'Accepted');

  // ---- a last valid day: the end of that day in the browser's zone (Asia/Shanghai)
  await row().getByTestId('card-edit').click();
  const edit = admin.getByTestId('card-edit-dialog');
  const day = edit.locator('.el-date-editor input');
  await day.fill('2030-12-31');
  await day.press('Enter');
  await edit.getByTestId('card-edit-save').click();
  await edit.waitFor({ state: 'hidden' });
  await waitFor(async () => (await row().getByTestId('card-expiry').innerText()) === '2030-12-31 23:59', { what: 'expiry shown' });
  [card] = await cardsOf();
  assert.equal(card.expires_at, '2030-12-31T15:59:59Z');
  assert.equal(card.expired, false);
  await shot(admin, 'admin-driver-cards');

  // ---- the audit log names both actions
  const audit = await stack.api('GET', '/admin/audit?action=card.change', undefined, adminToken);
  assert.ok(audit.items.length >= 3, 'block, unblock and expiry are audited');
  await admin.locator('[data-menu="/audit"]').click();
  await admin.getByTestId('audit-table').getByText('发放充电卡').first().waitFor();
  assertNoPageErrors(admin);
});

test('the driver sees the card in the app and reports it lost', async () => {
  const { context, page } = await openPhone(browser);
  await page.goto(`${stack.appUrl}me`);
  await page.waitForURL(/\/app\/login/);
  await logIn(page);
  await page.waitForURL(/\/app\/me$/);
  await page.locator('[data-test=cards-link]').click();
  await page.waitForURL(/\/app\/me\/cards$/);
  const item = page.locator(`[data-test=card-item][data-uid="${UID}"]`);
  await item.waitFor();
  assert.equal(await item.getAttribute('data-state'), 'active');
  assert.match(await item.innerText(), /公司车 沪A12345/);
  assert.match(await item.locator('[data-test=card-expiry]').innerText(), /有效期至 2030-12-31 23:59/);
  await phoneShot(page, 'app-cards');

  // Report lost: dismissing the question changes nothing; confirming blocks the card.
  await item.locator('[data-test=card-report-lost]').click();
  await page.locator('.van-dialog').getByText('挂失后卡').waitFor();
  await page.locator('.van-dialog__cancel').click();
  assert.equal((await cardsOf())[0].status, 'active');
  await item.locator('[data-test=card-report-lost]').click();
  await page.locator('.van-dialog__confirm').click();
  await page.locator('.van-toast').getByText('已挂失').waitFor();
  await waitFor(async () => (await item.getAttribute('data-state')) === 'blocked', { what: 'card blocked in the app' });
  assert.equal(await item.locator('[data-test=card-report-lost]').count(), 0, 'only staff unblock');
  await item.locator('[data-test=card-note]').getByText('联系运营方').waitFor();
  await phoneShot(page, 'app-cards-lost');

  // The server agrees, for the driver and for staff.
  const driverToken = await stack.driverToken();
  const mine = await stack.api('GET', '/cards', undefined, driverToken);
  assert.equal(mine.items.length, 1);
  assert.equal(mine.items[0].status, 'blocked');
  assert.equal((await cardsOf())[0].status, 'blocked');
  assert.equal(await authorize(), 'Blocked');

  // In English.
  await page.goto(`${stack.appUrl}me`);
  await page.locator('[data-test=lang-en]').click();
  await page.locator('[data-test=cards-link]').getByText('My cards').waitFor();
  await page.locator('[data-test=cards-link]').click();
  await item.locator('[data-test=card-state]').getByText('Blocked').waitFor();
  await phoneShot(page, 'app-cards-en');
  assertNoPageErrors(page);
  await context.close();

  // The console shows the card blocked by its driver; staff may unblock it.
  await admin.goto(`${stack.adminUrl}drivers/${driverId}`);
  await row().waitFor();
  assert.equal(await rowState(), 'blocked');
  assert.equal(await row().getByTestId('card-toggle').innerText(), '恢复');
});

test('a driver without cards is told that the operator issues them', async () => {
  const phone = '13900139011';
  const password = 'Cards1234';
  await stack.registerDriver(phone, password, 'no-card');
  const { context, page } = await openPhone(browser);
  await page.goto(`${stack.appUrl}me/cards`);
  await page.waitForURL(/\/app\/login/);
  await logIn(page, phone, password);
  await page.waitForURL(/\/app\/me\/cards$/);
  await page.locator('[data-test=cards-empty]').getByText('充电卡由运营方发放').waitFor();
  await phoneShot(page, 'app-cards-empty');
  assertNoPageErrors(page);
  await context.close();
});
