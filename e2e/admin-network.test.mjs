// Journey: an admin builds a new part of the network in the console: a tariff with the period
// editor (its validation refuses a gap), a station, a charger whose MQTT credentials are shown once;
// a simulator started with those credentials makes it show online live; the charger detail, QR
// labels, remote start and stop; the charger going offline; the server's refusal shown as is; a CSV
// import whose credentials file a simulator reads.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { assertNoPageErrors, confirmBox, login, newAdminPage, selectOption, shot, waitForToast } from './lib/admin.mjs';
import { launchBrowser, startStack, waitFor } from './lib/stack.mjs';

let stack;
let browser;
let page;
let token;

before(async () => {
  stack = await startStack({ demo: true });
  browser = await launchBrowser();
  page = await newAdminPage(browser);
  token = await stack.staffToken('admin');
  await login(page, stack, 'admin');
});

after(async () => {
  try {
    await browser?.close();
  } finally {
    await stack?.stop();
  }
});

const TARIFF = 'E2E 峰谷电价';
const STATION = 'E2E 测试充电站';
const CODE = 'E2E-AC-01';

test('the tariff editor refuses a gap and saves a valid day of periods', async () => {
  await page.locator('[data-menu="/tariffs"]').click();
  await page.getByTestId('tariff-create').click();
  await page.getByTestId('tariff-name').fill(TARIFF);
  // split the default all-day flat period at 12:00, the afternoon becomes peak
  await page.getByTestId('tariff-add-period').click();
  await selectOption(page, page.getByTestId('period-kind-1'), '峰时段');
  // a gap: the morning ends at 10:00
  await selectOption(page, page.getByTestId('period-end-0'), '10:00');
  await waitFor(async () => (await page.getByTestId('tariff-issues').innerText()).includes('10:00 至 12:00 没有设置时段'), {
    what: 'the gap reported',
  });
  await page.getByTestId('price-peak-electricity').fill('-1');
  await waitFor(async () => (await page.getByTestId('tariff-issues').innerText()).includes('峰时段电费不能为负数'), {
    what: 'the negative price reported',
  });
  await shot(page, 'admin-tariff-invalid');
  await page.getByTestId('tariff-save').click();
  assert.match(await waitForToast(page, 'error', /请先修正/), /请先修正/);
  const before = await stack.api('GET', '/admin/tariffs', undefined, token);
  assert.equal(before.total, 1, 'nothing was sent');

  await selectOption(page, page.getByTestId('period-end-0'), '12:00');
  await page.getByTestId('price-peak-electricity').fill('1.1');
  await page.getByTestId('price-peak-service').fill('0.8');
  await waitFor(async () => (await page.getByTestId('tariff-issues').innerText()).includes('时段覆盖全天'), {
    what: 'no issues left',
  });
  await shot(page, 'admin-tariff-editor');
  await page.getByTestId('tariff-save').click();
  await page.getByTestId('tariffs-table').waitFor();
  const list = await stack.api('GET', '/admin/tariffs', undefined, token);
  const created = list.items.find((t) => t.name === TARIFF);
  assert.ok(created, 'the tariff was created');
  assert.deepEqual(created.periods, [
    ['00:00', '12:00', 'flat'],
    ['12:00', '24:00', 'peak'],
  ]);
  assert.deepEqual(created.prices.peak, { electricity: 11000, service: 8000 });
  assert.deepEqual(created.prices.flat, { electricity: 6000, service: 6000 });
  await shot(page, 'admin-tariffs');
});

test('a station is created with typed coordinates after the form refused bad input', async () => {
  await page.locator('[data-menu="/stations"]').click();
  await page.getByTestId('station-create').click();
  const dialog = page.getByTestId('station-dialog');
  await page.getByTestId('station-lng').fill('200');
  await page.getByTestId('station-save').click();
  await waitFor(async () => (await dialog.innerText()).includes('经度须在 -180 到 180 之间'), { what: 'longitude refused' });
  assert.match(await dialog.innerText(), /请输入站点名称/);
  await page.getByTestId('station-name').fill(STATION);
  await page.getByTestId('station-address').fill('上海市浦东新区世纪大道1号');
  await page.getByTestId('station-lng').fill('121.5055');
  await page.getByTestId('station-lat').fill('31.2397');
  await selectOption(page, page.getByTestId('station-tariff'), TARIFF);
  await shot(page, 'admin-station-form');
  await page.getByTestId('station-save').click();
  await dialog.waitFor({ state: 'hidden' });
  await waitFor(async () => (await page.getByTestId('stations-table').innerText()).includes(STATION), { what: 'station listed' });
  const stations = await stack.api('GET', `/stations?q=${encodeURIComponent('E2E')}`, undefined, token);
  assert.equal(stations.items.length, 1);
  assert.deepEqual(stations.items[0].location.wgs84, { lng: 121.5055, lat: 31.2397 });
  assert.equal(stations.items[0].timezone, 'Asia/Shanghai');
  await shot(page, 'admin-stations');
});

let chargerId;
let sim;

test('a new charger shows its credentials once and comes online when a charger connects with them', async () => {
  await page.locator('[data-menu="/chargers"]').click();
  await page.getByTestId('charger-create').click();
  await page.getByTestId('charger-code').fill('bad code!');
  await page.getByTestId('charger-save').click();
  await waitFor(async () => (await page.getByTestId('charger-dialog').innerText()).includes('编号只能包含字母'), {
    what: 'code refused',
  });
  await page.getByTestId('charger-code').fill(CODE);
  await page.getByTestId('charger-name').fill('E2E 交流桩');
  await selectOption(page, page.getByTestId('charger-station'), STATION);
  await page.getByTestId('charger-connectors').locator('input').fill('2');
  await page.getByTestId('charger-save').click();

  const creds = page.getByTestId('credentials-dialog');
  await creds.waitFor();
  const password = await creds.locator('[data-cred="password"]').innerText();
  assert.equal(await creds.locator('[data-cred="username"]').innerText(), CODE);
  assert.ok(password.length >= 12);
  await shot(page, 'admin-charger-credentials');
  await page.getByTestId('credentials-close').click();

  const online = page.locator(`[data-charger-online="${CODE}"]`);
  await online.waitFor();
  assert.equal(await online.getAttribute('data-online'), 'false');
  const created = (await stack.api('GET', `/admin/chargers?q=${CODE}`, undefined, token)).items[0];
  chargerId = created.id;
  assert.equal(created.connectors.length, 2);

  // a charger connects with the credentials from the dialog: the list follows without a reload
  sim = await stack.startSim([{ code: CODE, password, kind: 'AC', connectors: 2, rated_w: 7000 }]);
  await waitFor(async () => (await online.getAttribute('data-online')) === 'true', { what: 'online in the list', timeoutMs: 20000 });
  await online.scrollIntoViewIfNeeded();
  await shot(page, 'admin-chargers');
});

test('the charger detail shows live connectors, boot data and printable QR labels', async () => {
  await page.locator(`[data-charger-link="${CODE}"]`).click();
  await page.getByTestId('connectors-table').waitFor();
  assert.equal(await page.getByTestId('charger-online').getAttribute('data-online'), 'true');
  await waitFor(async () => (await page.getByTestId('charger-firmware').innerText()) === '0.1.0', { what: 'firmware from boot' });
  assert.notEqual(await page.getByTestId('charger-last-seen').innerText(), '-');

  // remote start for maintenance, then remote stop
  await page.getByTestId('remote-start-1').click();
  await confirmBox(page);
  assert.match(await waitForToast(page, 'success', /订单 #\d+/), /订单 #\d+/);
  const status1 = page.locator('[data-connector-status="1"]');
  await waitFor(async () => (await status1.getAttribute('data-status')) === 'charging', { what: 'connector 1 charging' });
  await page.locator('[data-session="1"] [data-state="charging"]').waitFor();
  await waitFor(async () => await page.getByTestId('charger-power-chart').isVisible(), { what: 'chart' });
  await page.locator('.el-main').evaluate((el) => el.scrollTo(0, 0));
  await shot(page, 'admin-charger-detail');
  await page.getByTestId('remote-stop-1').click();
  await confirmBox(page);
  await waitFor(async () => ['finishing', 'available'].includes(await status1.getAttribute('data-status')), {
    what: 'connector 1 stopped',
  });
  const orders = await stack.api('GET', `/admin/orders?charger_code=${CODE}`, undefined, token);
  assert.equal(orders.items[0].driver_id, 0, 'a maintenance session');
  await waitFor(async () => (await stack.api('GET', `/admin/orders/${orders.items[0].id}`, undefined, token)).state === 'settled', {
    what: 'the maintenance session settled',
  });

  // QR labels: one per connector with the documented content
  await page.goto(`${stack.adminUrl}chargers/${chargerId}/labels`);
  const qr = page.locator('[data-label="2"] img');
  await qr.waitFor();
  assert.equal(await qr.getAttribute('data-qr-content'), `${stack.baseUrl}/app/c/${CODE}/2`);
  assert.ok(await qr.evaluate((img) => img.complete && img.naturalWidth > 100));
  assert.equal(await page.locator('[data-label]').count(), 2);
  await shot(page, 'admin-charger-labels');
});

// Stopped at once after the page loaded: the charger's shutdown notice may reach the server before
// the page's subscription does; the page fetches the charger again once subscribed, so it shows
// offline from the notice, not from the missed heartbeats (3 x 5 s) nor from its 15 s refresh.
test('a charger stopped right after its page loads shows offline within seconds, not after the refresh', async (t) => {
  await page.goto(`${stack.adminUrl}chargers/${chargerId}`);
  const online = page.getByTestId('charger-online');
  await waitFor(async () => (await online.getAttribute('data-online')) === 'true', { what: 'online' });
  const started = Date.now();
  await sim.stop();
  await waitFor(async () => (await online.getAttribute('data-online')) === 'false', { what: 'offline on the page', timeoutMs: 12000 });
  t.diagnostic(`offline on the page ${Date.now() - started} ms after the simulator was stopped`);
});

test('the server refusing to delete a station in use is shown with its message', async () => {
  await page.locator('[data-menu="/stations"]').click();
  const row = page.locator('.el-table__row', { hasText: STATION });
  await row.locator('button', { hasText: '删除' }).click();
  await confirmBox(page);
  const message = await waitForToast(page, 'error');
  assert.match(message, /当前状态不允许此操作/);
  assert.match(message, /still has 1 charger/);
  assertNoPageErrors(page);
});

test('a CSV import reports its bad row and its credentials CSV brings the new chargers online', async () => {
  const station = (await stack.api('GET', '/stations?page_size=1', undefined, token)).items[0];
  const csv = [
    'code,name,station_id,kind,connectors,rated_w',
    `E2E-IMP-01,"导入桩 1, 东",${station.id},AC,2,7000`,
    `SH-AC-01,demo code again,${station.id},AC,1,7000`,
    `E2E-IMP-02,,${station.id},DC,1,60000`,
  ].join('\n');
  await page.locator('[data-menu="/chargers"]').click();
  await page.getByTestId('charger-import').click();
  const dialog = page.getByTestId('charger-import-dialog');
  await dialog.waitFor();
  await page.getByTestId('charger-import-file').setInputFiles({ name: 'chargers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByTestId('charger-import-start').click();
  const errors = page.getByTestId('charger-import-errors');
  await errors.waitFor();
  const errorText = await errors.innerText();
  assert.match(errorText, /already_exists/);
  assert.match(errorText, /SH-AC-01/);
  assert.match(await page.getByTestId('charger-import-summary').innerText(), /2/);
  await shot(page, 'admin-charger-import');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('charger-import-download').click()]);
  const file = await download.path();
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'code,password,kind,connectors,rated_w');
  assert.deepEqual(
    lines.slice(1).map((l) => l.split(',')[0]),
    ['E2E-IMP-01', 'E2E-IMP-02'],
  );

  // the downloaded file is what the simulator reads: both chargers come online
  const importSim = await stack.startSimFromFile(file);
  try {
    await waitFor(
      async () => {
        const found = await stack.api('GET', '/admin/chargers?q=E2E-IMP&page_size=10', undefined, token);
        return found.items.length === 2 && found.items.every((c) => c.online);
      },
      { what: 'imported chargers online', timeoutMs: 30000 },
    );
  } finally {
    await importSim.stop();
  }
});
