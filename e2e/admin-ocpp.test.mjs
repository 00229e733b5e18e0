// Journey: an OCPP 1.6J charge point in the console. The admin creates the charger with protocol
// OCPP 1.6J; the one-time dialog shows the OCPP login (path, chargeBoxId, password; the whole URL
// once the edge's address is typed). A charge point (ocpp-rpc, schema-strict, e2e/lib/ocpp.mjs)
// connects with that password through kilowatt-ocpp and boots. On the charger's page: a hard reset
// (confirmed) reaches it and the page says accepted; an unlock it refuses is shown with the reason;
// "Read configuration" shows the keys it answered; a new value reaches it as ChangeConfiguration and
// the re-read shows it; keys it does not know are listed; the history lists every command; the local
// authorisation list goes as changes only (refused before a full list), in full, then as changes
// only, and the history reads its type and version. Offline, the commands are disabled. A kw-mqtt/1
// charger's page has none of this. An OCPP 2.0.1 charger is created the same way: its login is shown
// once, a 2.0.1 station (subprotocol ocpp2.0.1) connects with it, and its configuration card takes
// device-model variable keys longer than 1.6's 50 characters and reads them with GetVariables.
//
// Each test that talks to the charge point starts with a fresh connection and boot (as after a
// reboot): kilowatt-ocpp closes every station's WebSocket 10 s after its handshake began (the HTTP
// stream's handshake deadline is still set when the WebSocket takes it over), so one connection
// cannot last the whole journey.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoPageErrors, confirmBox, login, newAdminPage, selectOption, shot, waitForToast } from './lib/admin.mjs';
import { ChargePoint, newDriver } from './lib/ocpp.mjs';
import { launchBrowser, startStack, waitFor } from './lib/stack.mjs';

let stack;
let browser;
let page;
let token;
let cp;

const CODE = 'E2E-OCPP-01';

// The charge point's configuration: GetConfiguration reads it, ChangeConfiguration writes it.
const config = new Map([
  ['HeartbeatInterval', { value: '30', readonly: false }],
  ['MeterValueSampleInterval', { value: '60', readonly: false }],
  ['NumberOfConnectors', { value: '2', readonly: true }],
  ['AuthorizeRemoteTxRequests', { value: 'false', readonly: false }],
  ['SupportedFeatureProfiles', { value: 'Core,RemoteTrigger', readonly: true }],
]);

function getConfiguration({ key } = {}) {
  const wanted = key?.length ? key : [...config.keys()];
  const known = wanted.filter((k) => config.has(k));
  const unknown = wanted.filter((k) => !config.has(k));
  return {
    configurationKey: known.map((k) => ({ key: k, readonly: config.get(k).readonly, value: config.get(k).value })),
    ...(unknown.length ? { unknownKey: unknown } : {}),
  };
}

function changeConfiguration({ key, value }) {
  const entry = config.get(key);
  if (!entry) return { status: 'NotSupported' };
  if (entry.readonly) return { status: 'Rejected' };
  entry.value = value;
  return { status: 'Accepted' };
}

const replies = {
  Reset: { status: 'Accepted' },
  UnlockConnector: { status: 'UnlockFailed' },
  GetConfiguration: getConfiguration,
  ChangeConfiguration: changeConfiguration,
  SendLocalList: { status: 'Accepted' },
};

let chargerId;
let password;

const adminCharger = () => stack.api('GET', `/admin/chargers/${chargerId}`, undefined, token);

/** A new connection of the charge point (the old one closed first), booted, connectors Available, online on the page. */
async function connectChargePoint() {
  if (cp) {
    await cp.close().catch(() => {});
    await waitFor(async () => !(await adminCharger()).online, { what: 'offline after the old connection closed' });
  }
  cp = new ChargePoint(stack, { id: chargerId, code: CODE, password, connectors: 2 });
  Object.assign(cp.replies, replies);
  await cp.connect();
  assert.equal((await cp.boot()).status, 'Accepted', cp.tail());
  // after the boot the edge sets the operator's meter interval (orders.meter_interval_s, 10 s)
  assert.deepEqual(await cp.nextCall('ChangeConfiguration'), { key: 'MeterValueSampleInterval', value: '10' });
  for (const n of [0, 1, 2]) await cp.status(n, 'Available');
  const online = page.getByTestId('charger-online');
  if (await online.count())
    await waitFor(async () => (await online.getAttribute('data-online')) === 'true', { what: 'online on the page' });
}

before(async () => {
  stack = await startStack({ demo: true, sim: false, ocpp: true });
  browser = await launchBrowser();
  page = await newAdminPage(browser);
  token = await stack.staffToken('admin');
  await login(page, stack, 'admin');
});

after(async () => {
  try {
    await cp?.close({ force: true }).catch(() => {});
    await browser?.close();
  } finally {
    await stack?.stop();
  }
});

test('an OCPP 1.6J charger is created in the console and its OCPP login is shown once', async () => {
  const station = (await stack.api('GET', '/stations?page_size=1', undefined, token)).items[0];
  await page.locator('[data-menu="/chargers"]').click();
  await page.getByTestId('chargers-table').waitFor();
  await page.getByTestId('charger-create').click();
  await page.getByTestId('charger-code').fill(CODE);
  await page.getByTestId('charger-name').fill('E2E OCPP 桩');
  await selectOption(page, page.getByTestId('charger-station'), station.name);
  await page.getByTestId('charger-protocol').getByText('OCPP 1.6J').click();
  await page.getByTestId('charger-connectors').locator('input').fill('2');
  await shot(page, 'admin-ocpp-create');
  await page.getByTestId('charger-save').click();

  const creds = page.getByTestId('credentials-dialog');
  await creds.waitFor();
  const cred = (key) => creds.locator(`[data-cred="${key}"]`).innerText();
  assert.equal(await cred('ocpp-path'), `/ocpp/${CODE}`);
  assert.equal(await cred('ocpp-username'), CODE);
  // the edge's public address is not known to the console: the URL says what to put before the path
  assert.equal(await cred('ocpp-url'), `OCPP 网关地址 + /ocpp/${CODE}`);
  password = await cred('ocpp-password');
  assert.ok(password.length >= 12);
  // typed once (remembered in this browser), the whole URL is shown
  await page.getByTestId('ocpp-edge').fill(stack.ocppUrl);
  await waitFor(async () => (await cred('ocpp-url')) === `${stack.ocppUrl}/${CODE}`, { what: 'the whole OCPP URL' });
  await shot(page, 'admin-ocpp-credentials');
  await page.getByTestId('credentials-close').click();
  await creds.waitFor({ state: 'hidden' });

  const created = (await stack.api('GET', `/admin/chargers?q=${CODE}`, undefined, token)).items[0];
  chargerId = created.id;
  assert.equal(created.protocol, 'ocpp1.6');
  assert.equal(created.connectors.length, 2);
  const tag = page.locator(`[data-protocol="${CODE}"]`);
  await tag.waitFor();
  assert.equal(await tag.innerText(), 'OCPP 1.6J');
});

test('the charge point connects with the password from the dialog and the page shows its remote control', async () => {
  await connectChargePoint();
  await page.locator(`[data-charger-link="${CODE}"]`).click();
  await page.getByTestId('ocpp-control').waitFor();
  const online = page.getByTestId('charger-online');
  await waitFor(async () => (await online.getAttribute('data-online')) === 'true', { what: 'online on the page' });
  assert.equal(await page.getByTestId('charger-protocol').innerText(), 'OCPP 1.6J');
  await waitFor(async () => (await page.getByTestId('charger-firmware').innerText()) === '1.6.0-e2e', { what: 'firmware from boot' });
  await page.getByTestId('ocpp-config').getByText('尚未读取').waitFor();
  await shot(page, 'admin-ocpp-detail');
});

test('a hard reset is confirmed, reaches the charge point and its acceptance is shown; a refused unlock shows the reason', async () => {
  await connectChargePoint();
  await page.getByTestId('ocpp-reset-type').getByText('硬重启').click();
  await page.getByTestId('ocpp-reset').click();
  await confirmBox(page);
  assert.deepEqual(await cp.nextCall('Reset'), { type: 'Hard' });
  const outcome = page.getByTestId('command-outcome');
  await waitFor(async () => (await outcome.getAttribute('data-status')) === 'accepted', { what: 'reset accepted on the page' });
  assert.match(await outcome.innerText(), /重启 · 硬重启/);
  assert.match(await waitForToast(page, 'success', /已接受/), /重启（硬重启）：充电桩已接受/);

  // the charge point reboots; a refusal is shown with its reason
  await connectChargePoint();
  await selectOption(page, page.getByTestId('ocpp-unlock-connector'), '2 号枪');
  await page.getByTestId('ocpp-unlock').click();
  await confirmBox(page);
  assert.deepEqual(await cp.nextCall('UnlockConnector'), { connectorId: 2 });
  await waitFor(async () => (await outcome.getAttribute('data-status')) === 'rejected', { what: 'unlock rejected on the page' });
  assert.equal(await page.getByTestId('command-reason').innerText(), '解锁失败');
  assert.match(await waitForToast(page, 'error', /解锁失败/), /解锁充电枪（2 号枪）：已拒绝（解锁失败）/);
  await page.getByTestId('ocpp-control').scrollIntoViewIfNeeded();
  await shot(page, 'admin-ocpp-control');
});

test('the configuration is read from the charge point, a value is changed there and read again', async () => {
  await connectChargePoint();
  const card = page.getByTestId('ocpp-config');
  await page.getByTestId('config-read').click();
  assert.deepEqual(await cp.nextCall('GetConfiguration'), {});
  const value = (key) => card.locator(`[data-config-value="${key}"]`).innerText();
  await card.locator('[data-config-key="HeartbeatInterval"]').waitFor();
  assert.equal(await card.locator('[data-config-key]').count(), config.size);
  assert.equal(await value('MeterValueSampleInterval'), '10', 'as the edge set it at boot');
  assert.equal(await value('SupportedFeatureProfiles'), 'Core,RemoteTrigger');
  // read-only keys are marked and cannot be edited
  await card.locator('[data-config-readonly="NumberOfConnectors"]').waitFor();
  assert.equal(await page.getByTestId('config-edit-NumberOfConnectors').count(), 0);
  assert.match(await page.getByTestId('config-read-at').innerText(), /读取于 \d{4}-\d\d-\d\d/);

  await page.getByTestId('config-edit-MeterValueSampleInterval').click();
  await page.getByTestId('config-input').fill('15');
  await page.getByTestId('config-save').click();
  assert.deepEqual(await cp.nextCall('ChangeConfiguration'), { key: 'MeterValueSampleInterval', value: '15' });
  assert.match(await waitForToast(page, 'success', /修改配置/), /修改配置（MeterValueSampleInterval = 15）：充电桩已接受/);
  // then read again: the table shows the charge point's new value
  assert.deepEqual(await cp.nextCall('GetConfiguration'), {});
  await waitFor(async () => (await value('MeterValueSampleInterval')) === '15', { what: 'the new value read back' });
  await card.scrollIntoViewIfNeeded();
  await shot(page, 'admin-ocpp-config');
});

test('reading only some keys lists the ones the charge point does not know', async () => {
  await connectChargePoint();
  const card = page.getByTestId('ocpp-config');
  await page.getByTestId('config-keys').fill('HeartbeatInterval, NoSuchKey');
  await page.getByTestId('config-read').click();
  assert.deepEqual(await cp.nextCall('GetConfiguration'), { key: ['HeartbeatInterval', 'NoSuchKey'] });
  await waitFor(async () => (await card.locator('[data-config-key]').count()) === 1, { what: 'one key shown' });
  assert.match(await page.getByTestId('config-unknown').innerText(), /NoSuchKey/);
  assertNoPageErrors(page);
});

test('the command history lists every command with its outcome, newest first', async () => {
  const history = page.getByTestId('command-history');
  const kinds = () => history.locator('[data-command-kind]').evaluateAll((els) => els.map((e) => e.getAttribute('data-command-kind')));
  const expected = ['get_configuration', 'get_configuration', 'set_configuration', 'get_configuration', 'unlock', 'reset'];
  await waitFor(async () => JSON.stringify(await kinds()) === JSON.stringify(expected), { what: 'six commands in the history' });
  const statuses = await history
    .locator('[data-command-status]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-command-status')));
  assert.deepEqual(statuses, ['accepted', 'accepted', 'accepted', 'accepted', 'rejected', 'accepted']);
  const text = await history.innerText();
  assert.match(text, /MeterValueSampleInterval = 15/);
  assert.match(text, /HeartbeatInterval, NoSuchKey/);
  assert.match(text, /解锁失败/);
  assert.match(text, /员工 #\d+/);
  // the same as the API says
  const api = await stack.api('GET', `/admin/chargers/${chargerId}/commands`, undefined, token);
  assert.deepEqual(
    api.items.map((c) => c.kind),
    expected,
  );
  await history.scrollIntoViewIfNeeded();
  await shot(page, 'admin-ocpp-history');
});

test('the local list goes as changes only once a full list is on the charge point, and the history reads its type and version', async () => {
  await connectChargePoint();
  const outcome = page.getByTestId('command-outcome');
  const send = async () => {
    await page.getByTestId('ocpp-local-list-send').click();
    await confirmBox(page);
  };
  // changes only (the default) before any list: refused, nothing sent
  await send();
  assert.match(await waitForToast(page, 'error', /send a full list first/), /当前状态不允许此操作/);
  assert.equal(cp.hasCall('SendLocalList'), false);

  await page.getByTestId('ocpp-local-list-type').getByText('全量列表').click();
  await send();
  const full = await cp.nextCall('SendLocalList');
  assert.equal(full.updateType, 'Full');
  await waitFor(async () => (await outcome.getAttribute('data-status')) === 'accepted', { what: 'full list accepted on the page' });
  assert.match(await outcome.innerText(), new RegExp(`下发本地列表 · 全量列表 · 版本 ${full.listVersion} · \\d+ 张卡`));

  const driver = await newDriver(stack);
  const me = await stack.api('GET', '/me', undefined, driver.token);
  const card = await stack.api('POST', `/admin/drivers/${me.id}/cards`, { uid: 'E2EADMINLL1', label: 'console' }, token);
  await page.getByTestId('ocpp-local-list-type').getByText('仅变更').click();
  await send();
  const diff = await cp.nextCall('SendLocalList');
  assert.equal(diff.updateType, 'Differential');
  assert.deepEqual(
    diff.localAuthorizationList.map((e) => e.idTag),
    [card.uid],
  );
  await waitFor(async () => (await outcome.getAttribute('data-status')) === 'accepted', { what: 'changes accepted on the page' });
  assert.match(
    await waitForToast(page, 'success', /仅变更/),
    new RegExp(`下发本地列表（仅变更 · 版本 ${diff.listVersion}（原 ${full.listVersion}） · 1 张卡）：充电桩已接受`),
  );
  const history = page.getByTestId('command-history');
  await waitFor(
    async () => (await history.locator('[data-command-kind]').first().getAttribute('data-command-kind')) === 'send_local_list',
    {
      what: 'the list in the history',
    },
  );
  assert.match(await history.innerText(), new RegExp(`仅变更 · 版本 ${diff.listVersion}`));
  await page.getByTestId('ocpp-control').scrollIntoViewIfNeeded();
  await shot(page, 'admin-ocpp-local-list');
  assertNoPageErrors(page);
});

test('offline, the commands are disabled and say why', async () => {
  await connectChargePoint();
  await cp.close();
  cp = null;
  const online = page.getByTestId('charger-online');
  await waitFor(async () => (await online.getAttribute('data-online')) === 'false', { what: 'offline on the page', timeoutMs: 20000 });
  await page.getByTestId('ocpp-offline').waitFor();
  for (const id of [
    'ocpp-reset',
    'ocpp-unlock',
    'ocpp-availability',
    'ocpp-trigger',
    'ocpp-clear-cache',
    'ocpp-local-list-send',
    'config-read',
  ])
    assert.equal(await page.getByTestId(id).isDisabled(), true, `${id} disabled`);
  await page.getByTestId('ocpp-control').scrollIntoViewIfNeeded();
  await page.getByTestId('ocpp-reset').locator('xpath=..').hover();
  await page.locator('.el-popper:visible', { hasText: '充电桩离线' }).waitFor();
  await shot(page, 'admin-ocpp-offline');
});

test("a kw-mqtt/1 charger's page has no remote control, configuration or command history", async () => {
  const demo = (await stack.api('GET', '/admin/chargers?q=SH-AC-01', undefined, token)).items[0];
  await page.goto(`${stack.adminUrl}chargers/${demo.id}`);
  await page.getByTestId('connectors-table').waitFor();
  assert.equal(await page.getByTestId('charger-protocol').innerText(), 'kw-mqtt/1');
  assert.equal(await page.getByTestId('ocpp-control').count(), 0);
  assert.equal(await page.getByTestId('ocpp-config').count(), 0);
  assert.equal(await page.getByTestId('command-history').count(), 0);
  assertNoPageErrors(page);
});

const CODE_201 = 'E2E-OCPP201-01';

test('an OCPP 2.0.1 charger is created in the console, its OCPP login works and its configuration card reads device-model variables', async () => {
  const station = (await stack.api('GET', '/stations?page_size=1', undefined, token)).items[0];
  await page.locator('[data-menu="/chargers"]').click();
  await page.getByTestId('chargers-table').waitFor();
  await page.getByTestId('charger-create').click();
  await page.getByTestId('charger-code').fill(CODE_201);
  await selectOption(page, page.getByTestId('charger-station'), station.name);
  await page.getByTestId('charger-protocol').getByText('OCPP 2.0.1').click();
  assert.match(await page.getByTestId('charger-protocol-hint').innerText(), /OCPP 2\.0\.1/);
  await shot(page, 'admin-ocpp201-create');
  await page.getByTestId('charger-save').click();

  const creds = page.getByTestId('credentials-dialog');
  await creds.waitFor();
  const cred = (key) => creds.locator(`[data-cred="${key}"]`).innerText();
  assert.equal(await cred('ocpp-path'), `/ocpp/${CODE_201}`);
  assert.equal(await cred('ocpp-username'), CODE_201);
  // the edge's address typed for the 1.6 charger is remembered: the whole URL at once
  await waitFor(async () => (await cred('ocpp-url')) === `${stack.ocppUrl}/${CODE_201}`, { what: 'the whole OCPP URL' });
  const password201 = await cred('ocpp-password');
  assert.ok(password201.length >= 12);
  await shot(page, 'admin-ocpp201-credentials');
  await page.getByTestId('credentials-close').click();
  await creds.waitFor({ state: 'hidden' });

  const created = (await stack.api('GET', `/admin/chargers?q=${CODE_201}`, undefined, token)).items[0];
  assert.equal(created.protocol, 'ocpp2.0.1');
  const tag = page.locator(`[data-protocol="${CODE_201}"]`);
  await tag.waitFor();
  assert.equal(await tag.innerText(), 'OCPP 2.0.1');

  // Its page has the OCPP cards; the configuration card names the 2.0.1 key form and takes keys up to 220.
  await page.goto(`${stack.adminUrl}chargers/${created.id}`);
  await page.getByTestId('ocpp-control').waitFor();
  await page.getByTestId('ocpp-config').waitFor();
  await page.getByTestId('command-history').waitFor();
  assert.equal(await page.getByTestId('charger-protocol').innerText(), 'OCPP 2.0.1');
  assert.match(await page.getByTestId('config-keys-hint').innerText(), /Component\[instance\]@evse\.connector\/Variable\[instance\]/);
  const keysInput = page.getByTestId('config-keys');
  await keysInput.fill('x'.repeat(221));
  await page.getByTestId('ocpp-config').getByText('配置项名称最长 220 个字符').waitFor();
  const longKey = `OCPPCommCtrlr[${'a'.repeat(40)}]/HeartbeatInterval`; // 73 characters: too long for 1.6
  await keysInput.fill(`SampledDataCtrlr/TxUpdatedInterval, EVSE@1/Power, ${longKey}`);
  assert.equal(await page.getByTestId('ocpp-config').locator('[role="alert"]').count(), 0);

  // The login from the dialog works for a 2.0.1 station (ocpp-rpc strict, subprotocol ocpp2.0.1).
  const variables = new Map([
    ['SampledDataCtrlr/TxUpdatedInterval', '60'],
    ['EVSE@1/Power', '7000'],
  ]);
  const keyOf = ({ component, variable }) =>
    `${component.name}${component.instance ? `[${component.instance}]` : ''}${component.evse ? `@${component.evse.id}` : ''}/${variable.name}`;
  const st = new ChargePoint(stack, { id: created.id, code: CODE_201, password: password201 }, { protocols: ['ocpp2.0.1'] });
  Object.assign(st.replies, {
    SetVariables: ({ setVariableData }) => ({
      setVariableResult: setVariableData.map((d) => ({ attributeStatus: 'Accepted', component: d.component, variable: d.variable })),
    }),
    GetVariables: ({ getVariableData }) => ({
      getVariableResult: getVariableData.map((d) =>
        variables.has(keyOf(d))
          ? { attributeStatus: 'Accepted', attributeValue: variables.get(keyOf(d)), component: d.component, variable: d.variable }
          : { attributeStatus: 'UnknownVariable', component: d.component, variable: d.variable },
      ),
    }),
  });
  try {
    await st.connect();
    const boot = await st.call('BootNotification', {
      reason: 'PowerUp',
      chargingStation: { vendorName: 'E2E Vendor', model: 'OCPP201-AC', firmwareVersion: '2.0.1-e2e' },
    });
    assert.equal(boot.status, 'Accepted', st.tail());
    st.startHeartbeat(boot.interval);
    await st.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Available', evseId: 1, connectorId: 1 });
    const online = page.getByTestId('charger-online');
    await waitFor(async () => (await online.getAttribute('data-online')) === 'true', { what: 'the 2.0.1 station online on the page' });

    await page.getByTestId('config-read').click();
    const asked = await st.nextCall('GetVariables');
    assert.deepEqual(
      asked.getVariableData.map((d) => keyOf(d)),
      ['SampledDataCtrlr/TxUpdatedInterval', 'EVSE@1/Power', longKey],
    );
    await page.locator('[data-config-value="EVSE@1/Power"]').waitFor();
    assert.equal(await page.locator('[data-config-value="EVSE@1/Power"]').innerText(), '7000');
    assert.equal(await page.locator('[data-config-value="SampledDataCtrlr/TxUpdatedInterval"]').innerText(), '60');
    assert.match(await page.getByTestId('config-unknown').innerText(), new RegExp(`OCPPCommCtrlr\\[a{40}\\]/HeartbeatInterval`));
    await shot(page, 'admin-ocpp201-detail');
  } finally {
    await st.close().catch(() => {});
  }
  assertNoPageErrors(page);
});

test('in English the OCPP cards and their outcomes read in English', async () => {
  await page.goto(`${stack.adminUrl}chargers/${chargerId}`);
  await page.getByTestId('ocpp-control').waitFor();
  await page.locator('.header .locale').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: 'English' }).click();
  await page.getByTestId('ocpp-control').getByText('Remote control').waitFor();
  await connectChargePoint();
  await page.getByTestId('config-read').click();
  assert.deepEqual(await cp.nextCall('GetConfiguration'), {});
  await page.locator('[data-config-key="HeartbeatInterval"]').waitFor();
  await page.getByTestId('ocpp-trigger').click();
  await waitFor(async () => (await page.getByTestId('command-outcome').getAttribute('data-status')) === 'rejected', {
    what: 'the trigger refused (the charge point does not implement it)',
  });
  assert.match(
    await waitForToast(page, 'error', /Trigger message/),
    /Trigger message \(Status notification\): rejected \(not implemented by the charger\)/,
  );
  assert.match(await page.getByTestId('command-history').innerText(), /Trigger message/);
  await page.getByTestId('ocpp-control').scrollIntoViewIfNeeded();
  await shot(page, 'admin-ocpp-detail-en');
  assertNoPageErrors(page);
});
