// Journey: OCPP charge points waiting for approval, in the console. The edge runs with
// --pending-unknown (startStack({ ocppPending: true })), so a charge point whose chargeBoxId the
// broker does not know is held. The chargers page lists it by itself (refreshed every 10 s) with
// what it said at boot; the admin approves it through the dialog (station, name, kind, power,
// connectors); the one-time credentials dialog shows the password and says it was sent to the
// station, which receives it as its AuthorizationKey (hex), reconnects with it and shows online in
// the list. Another one is dismissed with a confirmation and leaves the list. Charge points are
// ocpp-rpc, schema-strict (e2e/lib/ocpp.mjs).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, assertAccessible } from './lib/axe.mjs';
import { assertNoPageErrors, confirmBox, login, newAdminPage, selectOption, shot, waitForToast } from './lib/admin.mjs';
import { ChargePoint } from './lib/ocpp.mjs';
import { launchBrowser, startStack, waitFor } from './lib/stack.mjs';

let stack;
let browser;
let page;
let token;
const open = new Set();

before(async () => {
  stack = await startStack({ demo: true, sim: false, ocpp: true, ocppPending: true });
  browser = await launchBrowser();
  page = await newAdminPage(browser);
  token = await stack.staffToken('admin');
  await login(page, stack, 'admin');
});

after(async () => {
  try {
    for (const cp of open) await cp.close({ force: true }).catch(() => {});
    await browser?.close();
  } finally {
    await stack?.stop();
  }
});

const pendingList = async () => (await stack.api('GET', '/admin/ocpp/pending', undefined, token)).items;

/** An unknown charge point (its factory password), connected and booted: answered Pending. */
async function heldChargePoint(code, fields = {}) {
  const cp = new ChargePoint(stack, { code, password: 'factory-default-pw' });
  open.add(cp);
  await cp.connect();
  const conf = await cp.boot({ chargePointVendor: 'NewVendor', chargePointModel: 'NV-7', firmwareVersion: '2.1.0', ...fields });
  assert.equal(conf.status, 'Pending', cp.tail());
  return cp;
}

/** The password an AuthorizationKey carries: its hexadecimal digits decoded. */
const fromKey = (hex) => Buffer.from(hex, 'hex').toString('latin1');

const row = (code) => page.getByTestId('pending-table').locator('tr', { has: page.locator(`[data-pending="${code}"]`) });

test('with nothing waiting, the chargers page says so and how charge points get there', async () => {
  await page.locator('[data-menu="/chargers"]').click();
  await page.getByTestId('chargers-table').waitFor();
  const empty = page.getByTestId('pending-empty');
  await empty.waitFor();
  assert.match(await empty.innerText(), /--pending-unknown/);
  assert.equal(await page.getByTestId('pending-count').count(), 0);
});

test('a held charge point appears by itself; approved through the dialog, it gets the password shown as its AuthorizationKey and comes online', async () => {
  const station = (await stack.api('GET', '/stations?page_size=1', undefined, token)).items[0];
  const cp = await heldChargePoint('NEW-AC-01', { chargePointSerialNumber: 'SN-0001' });
  let key = null;
  cp.replies.ChangeConfiguration = (params) => {
    if (params.key === 'AuthorizationKey') key = params.value;
    return { status: 'Accepted' };
  };

  // No click: the page refreshes the list by itself every 10 s.
  await row('NEW-AC-01').waitFor({ timeout: 15000 });
  const cells = await row('NEW-AC-01').locator('td').allInnerTexts();
  assert.equal(cells[0].trim(), 'NEW-AC-01');
  assert.equal(cells[1].trim(), 'NewVendor · NV-7');
  assert.equal(cells[2].trim(), 'SN-0001');
  assert.equal(cells[3].trim(), '2.1.0');
  assert.match(cells[4], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  assert.equal(cells[6].trim(), '1');
  assert.equal((await page.getByTestId('pending-count').innerText()).trim(), '1');
  await checkA11y(page);
  await shot(page, 'admin-ocpp-pending');

  await page.locator('[data-pending-approve="NEW-AC-01"]').click();
  const dialog = page.getByTestId('pending-approve-dialog');
  await dialog.waitFor();
  assert.equal(await page.getByTestId('pending-name').inputValue(), 'NEW-AC-01', 'the name defaults to the code');
  await page.getByTestId('pending-name').fill('新接入 AC 桩');
  await selectOption(page, page.getByTestId('pending-station'), station.name);
  await page.getByTestId('pending-kind').getByText('DC').click();
  await page.getByTestId('pending-rated').locator('input').fill('60');
  await page.getByTestId('pending-connectors').locator('input').fill('2');
  await page.getByTestId('pending-connectors').locator('input').blur();
  await checkA11y(page);
  await shot(page, 'admin-ocpp-pending-approve');
  await page.getByTestId('pending-approve-save').click();

  const creds = page.getByTestId('credentials-dialog');
  await creds.waitFor();
  const cred = (k) => creds.locator(`[data-cred="${k}"]`).innerText();
  assert.equal(await cred('ocpp-username'), 'NEW-AC-01');
  assert.equal(await cred('ocpp-path'), '/ocpp/NEW-AC-01');
  const password = await cred('ocpp-password');
  assert.match(await page.getByTestId('credentials-note').innerText(), /AuthorizationKey/);
  await shot(page, 'admin-ocpp-pending-credentials');

  await waitFor(() => key !== null, { timeoutMs: 10000, what: `the AuthorizationKey sent; frames:\n${cp.tail()}` });
  assert.equal(fromKey(key), password, 'the station got the password the dialog shows');
  await page.getByTestId('credentials-close').click();
  await creds.waitFor({ state: 'hidden' });

  // The charger is in the list; the waiting one is gone.
  await page.locator('[data-charger-link="NEW-AC-01"]').waitFor();
  await row('NEW-AC-01').waitFor({ state: 'detached' });
  await page.getByTestId('pending-empty').waitFor();
  const created = (await stack.api('GET', '/admin/chargers?q=NEW-AC-01', undefined, token)).items[0];
  assert.equal(created.name, '新接入 AC 桩');
  assert.equal(created.station_id, station.id);
  assert.equal(created.kind, 'DC');
  assert.equal(created.rated_w, 60000);
  assert.equal(created.connectors.length, 2);
  assert.equal(created.protocol, 'ocpp1.6');

  // The edge closes the held connection once the key is taken; the station comes back with it.
  await waitFor(() => cp.frames.some((f) => f.includes('-- disconnected 1012')), { timeoutMs: 10000, what: 'closed 1012' });
  const again = new ChargePoint(stack, { code: 'NEW-AC-01', password: fromKey(key), connectors: 2 });
  open.add(again);
  await again.connect();
  assert.equal((await again.boot()).status, 'Accepted', again.tail());
  for (const n of [0, 1, 2]) await again.status(n, 'Available');
  const online = page.locator('[data-charger-online="NEW-AC-01"]');
  await waitFor(async () => (await online.getAttribute('data-online')) === 'true', { timeoutMs: 15000, what: 'online in the list' });
  await page.locator('[data-charger-link="NEW-AC-01"]').scrollIntoViewIfNeeded();
  await shot(page, 'admin-ocpp-pending-online');
  await assertAccessible(page);
  assertNoPageErrors(page);
});

test('a dismissed charge point leaves the list after a confirmation', async () => {
  await heldChargePoint('NEW-AC-02');
  await waitFor(async () => (await pendingList()).some((p) => p.code === 'NEW-AC-02'), { timeoutMs: 10000, what: 'listed' });
  await page.getByTestId('pending-refresh').click();
  await row('NEW-AC-02').waitFor();
  await page.locator('[data-pending-dismiss="NEW-AC-02"]').click();
  await confirmBox(page);
  await waitForToast(page, 'success', '已忽略');
  await row('NEW-AC-02').waitFor({ state: 'detached' });
  assert.equal(
    (await pendingList()).some((p) => p.code === 'NEW-AC-02'),
    false,
  );
  assert.equal((await stack.api('GET', '/admin/chargers?q=NEW-AC-02', undefined, token)).items.length, 0, 'nothing created');
  assertNoPageErrors(page);
});

test('in English the section reads in English', async () => {
  await heldChargePoint('NEW-AC-03');
  await page.locator('.header .locale').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: 'English' }).click();
  const section = page.getByTestId('pending-stations');
  await section.getByText('Waiting for approval').waitFor();
  await section.locator('[data-pending="NEW-AC-03"]').waitFor({ timeout: 15000 });
  const text = await section.innerText();
  assert.match(text, /Approve/);
  assert.match(text, /Dismiss/);
  assert.doesNotMatch(text, /[\u4e00-\u9fff]/);
  await shot(page, 'admin-ocpp-pending-en');
  assertNoPageErrors(page);
});
