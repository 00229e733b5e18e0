// The API contract against the real stack: every operation of docs/openapi.yaml is called at least
// once for a success and once for a typical error (as a driver, an admin and a maintainer), and
// every answer is validated by stack.api against the document (e2e/lib/contract.mjs): an
// undocumented status or a body that does not match its schema fails the call. The last test
// proves no documented operation was left out.
// Against the real stack: kilowatt (SQLite, demo data), Mosquitto, Redis, kilowatt-sim.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { documentedOperations, operationOf, watchApiResponses } from './lib/contract.mjs';
import { ChargePoint } from './lib/ocpp.mjs';
import { ApiCallError, accounts, launchBrowser, rawBody, startStack, waitFor } from './lib/stack.mjs';

const HOOK_SECRET = 'e2e-hook-secret';
const NEW_PHONE = '13700000042';
const MISSING = 999999;

let stack;
const tokens = {};
// `METHOD /template` -> which outcomes were seen ('ok', 'error').
const covered = new Map();

function mark(method, apiPath, outcome) {
  const op = operationOf(method, `/api/v1${apiPath}`);
  assert.ok(op, `${method} ${apiPath} is not a documented operation`);
  if (!covered.has(op)) covered.set(op, new Set());
  covered.get(op).add(outcome);
}

/** A call that must succeed; returns the (validated) body. */
async function ok(method, apiPath, body, token) {
  const answer = await stack.api(method, apiPath, body, token);
  mark(method, apiPath, 'ok');
  return answer;
}

/** A call that must fail with one of `statuses`; returns the ApiCallError (body already validated). */
async function fails(statuses, method, apiPath, body, token) {
  const expected = [statuses].flat();
  try {
    await stack.api(method, apiPath, body, token);
  } catch (e) {
    if (!(e instanceof ApiCallError)) throw e;
    assert.ok(expected.includes(e.status), `${e.message}: expected ${expected.join(' or ')}`);
    mark(method, apiPath, 'error');
    return e;
  }
  return assert.fail(`${method} ${apiPath} succeeded; expected ${expected.join(' or ')}`);
}

const chargerId = async (code) => (await ok('GET', `/admin/chargers?q=${code}`, undefined, tokens.admin)).items[0].id;
const orderState = async (id) => (await stack.api('GET', `/admin/orders/${id}`, undefined, tokens.admin)).state;

before(async () => {
  stack = await startStack({ demo: true, ocpp: true, ocppPending: true, serverFlags: [`--mqtt.hook_secret=${HOOK_SECRET}`] });
  tokens.admin = await stack.staffToken('admin');
  tokens.maintainer = await stack.staffToken('maintainer');
  tokens.operator = await stack.staffToken('operator');
  tokens.driver = await stack.driverToken();
});

after(async () => {
  await stack?.stop();
});

test('sign-in routes answer their documented successes and errors', async () => {
  await ok('POST', '/auth/sms-code', { phone: NEW_PHONE, purpose: 'register' });
  await fails(400, 'POST', '/auth/sms-code', { phone: '12345' });
  const code = await stack.smsCode(NEW_PHONE);
  const registered = await ok('POST', '/auth/driver/register', { phone: NEW_PHONE, code, password: 'Contract123' });
  tokens.newDriver = registered.token;
  await fails([400, 409], 'POST', '/auth/driver/register', { phone: NEW_PHONE, code, password: 'Contract123' });
  await ok('POST', '/auth/driver/login', accounts.driver);
  await fails(401, 'POST', '/auth/driver/login', { phone: accounts.driver.phone, password: 'wrong-password' });
  await ok('POST', '/auth/staff/login', accounts.operator);
  await fails(401, 'POST', '/auth/staff/login', { login: 'operator', password: 'wrong-password' });
  const spare = await stack.staffToken('operator');
  await ok('POST', '/auth/logout', undefined, spare);
  await fails(401, 'POST', '/auth/logout', undefined, spare);
  await ok('GET', '/me', undefined, tokens.driver);
  await ok('GET', '/me', undefined, tokens.admin);
  await fails(401, 'GET', '/me');
  await ok('POST', '/ws-ticket', undefined, tokens.driver);
  await fails(401, 'POST', '/ws-ticket');
});

test('wallet routes: balance, ledger and a sandbox top-up', async () => {
  await ok('GET', '/wallet', undefined, tokens.driver);
  await fails(403, 'GET', '/wallet', undefined, tokens.admin);
  await ok('GET', '/wallet/ledger?page_size=100', undefined, tokens.driver);
  await fails(400, 'GET', '/wallet/ledger?page_size=1000', undefined, tokens.driver);
  const topup = await ok('POST', '/wallet/topups', { amount_fen: 10000 }, tokens.newDriver);
  await fails(400, 'POST', '/wallet/topups', { amount_fen: 1 }, tokens.newDriver);
  const sign = topup.client_params?.sign;
  if (topup.state === 'paid') {
    await fails(409, 'POST', `/wallet/topups/${topup.id}/sandbox-pay`, { sign }, tokens.newDriver);
  } else {
    await ok('POST', `/wallet/topups/${topup.id}/sandbox-pay`, { sign }, tokens.newDriver);
    await fails(409, 'POST', `/wallet/topups/${topup.id}/sandbox-pay`, { sign }, tokens.newDriver);
  }
  await fails(404, 'POST', `/wallet/topups/${MISSING}/sandbox-pay`, { sign: 'x' }, tokens.newDriver);
});

test('station and charger lookups for drivers and staff', async () => {
  const stations = await ok('GET', '/stations', undefined, tokens.driver);
  await fails(400, 'GET', '/stations?page=0', undefined, tokens.driver);
  await ok('GET', '/stations/nearby?lng=121.4737&lat=31.2304', undefined, tokens.driver);
  await fails(400, 'GET', '/stations/nearby?lng=121.4737', undefined, tokens.driver);
  await ok('GET', `/stations/${stations.items[0].id}`, undefined, tokens.admin);
  await fails(404, 'GET', `/stations/${MISSING}`, undefined, tokens.driver);
  const charger = await ok('GET', '/chargers/SH-AC-01', undefined, tokens.driver);
  await fails(404, 'GET', '/chargers/NO-SUCH-1', undefined, tokens.driver);
  const qr = encodeURIComponent(charger.connectors[0].qr_content);
  await ok('GET', `/chargers/by-qr?content=${qr}`, undefined, tokens.driver);
  await fails([400, 404], 'GET', `/chargers/by-qr?content=${encodeURIComponent('https://elsewhere.example/x')}`, undefined, tokens.driver);
});

test('a driver charges, stops, and staff refund the settled order', async () => {
  const order = await ok('POST', '/orders', { charger_code: 'BJ-DC-01', connector: 1 }, tokens.driver);
  await waitFor(async () => (await orderState(order.id)) === 'charging', { timeoutMs: 30000, what: 'charging' });
  await fails(409, 'POST', '/orders', { charger_code: 'BJ-DC-01', connector: 2 }, tokens.driver);
  await fails(404, 'POST', '/orders', { charger_code: 'NO-SUCH-1', connector: 1 }, tokens.driver);
  await ok('GET', '/orders/current', undefined, tokens.driver);
  await fails(403, 'GET', '/orders/current', undefined, tokens.admin);
  await ok('GET', '/orders?page_size=100', undefined, tokens.driver);
  await fails(400, 'GET', '/orders?page_size=1000', undefined, tokens.driver);
  await ok('GET', `/orders/${order.id}`, undefined, tokens.driver);
  await fails(404, 'GET', `/orders/${MISSING}`, undefined, tokens.driver);
  await new Promise((resolve) => setTimeout(resolve, 6000)); // some energy, so the bill is not 0
  await ok('POST', `/orders/${order.id}/stop`, undefined, tokens.driver);
  await fails(404, 'POST', `/orders/${MISSING}/stop`, undefined, tokens.driver);
  await waitFor(async () => (await orderState(order.id)) === 'settled', { timeoutMs: 30000, what: 'settled' });
  await fails(409, 'POST', `/orders/${order.id}/stop`, undefined, tokens.driver);

  const settled = await ok('GET', `/admin/orders/${order.id}`, undefined, tokens.maintainer);
  await fails(404, 'GET', `/admin/orders/${MISSING}`, undefined, tokens.admin);
  await ok('GET', `/admin/orders?driver_id=${settled.driver_id}`, undefined, tokens.operator);
  await fails(400, 'GET', '/admin/orders?page_size=0', undefined, tokens.admin);
  assert.ok(settled.paid_fen > 0, `the order was billed (paid ${settled.paid_fen} fen)`);
  await ok('POST', `/admin/orders/${order.id}/refunds`, { amount_fen: 1, reason: 'contract test' }, tokens.admin);
  await fails(409, 'POST', `/admin/orders/${order.id}/refunds`, { amount_fen: settled.paid_fen + 1, reason: 'too much' }, tokens.admin);
  await fails(409, 'POST', `/admin/orders/${order.id}/force-stop`, undefined, tokens.admin);
});

test('schedules: create, list, cancel, and the errors of each', async () => {
  const startAt = new Date(Date.now() + 3600_000).toISOString();
  const schedule = await ok('POST', '/schedules', { charger_code: 'SH-AC-01', connector: 1, start_at: startAt }, tokens.driver);
  await fails(400, 'POST', '/schedules', { charger_code: 'SH-AC-01', connector: 1, start_at: 'tomorrow' }, tokens.driver);
  await ok('GET', '/schedules', undefined, tokens.driver);
  await fails(403, 'GET', '/schedules', undefined, tokens.maintainer);
  await ok('POST', `/schedules/${schedule.id}/cancel`, undefined, tokens.driver);
  await fails(409, 'POST', `/schedules/${schedule.id}/cancel`, undefined, tokens.driver);
});

test('maintenance sessions: remote start and stop, force stop', async () => {
  const id = await chargerId('SH-AC-01');
  await fails(409, 'POST', `/admin/chargers/${id}/remote-stop`, { connector: 1 }, tokens.maintainer);
  const started = await ok('POST', `/admin/chargers/${id}/remote-start`, { connector: 1 }, tokens.maintainer);
  await fails(404, 'POST', `/admin/chargers/${MISSING}/remote-start`, { connector: 1 }, tokens.maintainer);
  await waitFor(async () => (await orderState(started.id)) === 'charging', { timeoutMs: 30000, what: 'charging' });
  await ok('POST', `/admin/chargers/${id}/remote-stop`, { connector: 1 }, tokens.maintainer);

  // Another charger: the first one's connector is `finishing` until the car is unplugged.
  const again = await ok('POST', `/admin/chargers/${await chargerId('SZ-AC-01')}/remote-start`, { connector: 1 }, tokens.maintainer);
  await fails(403, 'POST', `/admin/orders/${again.id}/force-stop`, undefined, tokens.maintainer);
  await ok('POST', `/admin/orders/${again.id}/force-stop`, undefined, tokens.admin);
});

test('network administration: tariffs, stations, chargers, connectors', async () => {
  const tariffs = await ok('GET', '/admin/tariffs', undefined, tokens.maintainer);
  await fails(403, 'GET', '/admin/tariffs', undefined, tokens.driver);
  const spec = { prices: { flat: { electricity: 6000, service: 4000 } }, periods: [['00:00', '24:00', 'flat']] };
  const tariff = await ok('POST', '/admin/tariffs', { name: 'Contract tariff', ...spec }, tokens.admin);
  await fails(400, 'POST', '/admin/tariffs', { name: 'Empty', prices: {}, periods: [] }, tokens.admin);
  await ok('GET', `/admin/tariffs/${tariff.id}`, undefined, tokens.admin);
  await fails(404, 'GET', `/admin/tariffs/${MISSING}`, undefined, tokens.admin);
  await ok('PUT', `/admin/tariffs/${tariff.id}`, { name: 'Contract tariff 2' }, tokens.admin);
  await fails(400, 'PUT', `/admin/tariffs/${tariff.id}`, { periods: [] }, tokens.admin);

  const place = { address: '1 Contract Road', lng: 121.5, lat: 31.2, timezone: 'Asia/Shanghai', tariff_id: tariff.id };
  const station = await ok('POST', '/admin/stations', { name: 'Contract station', ...place }, tokens.operator);
  await fails(400, 'POST', '/admin/stations', { name: 'No place' }, tokens.operator);
  await ok('PUT', `/admin/stations/${station.id}`, { name: 'Contract station 2' }, tokens.operator);
  await fails(404, 'PUT', `/admin/stations/${MISSING}`, { name: 'x' }, tokens.operator);
  await fails(409, 'DELETE', `/admin/tariffs/${tariff.id}`, undefined, tokens.admin);

  const charger = await ok(
    'POST',
    '/admin/chargers',
    { code: 'CT-AC-01', station_id: station.id, kind: 'AC', rated_w: 7000 },
    tokens.maintainer,
  );
  await fails(409, 'POST', '/admin/chargers', { code: 'CT-AC-01', station_id: station.id, kind: 'AC', rated_w: 7000 }, tokens.maintainer);
  const header = 'code,name,station_id,kind,connectors,rated_w';
  const imported = await ok(
    'POST',
    '/admin/chargers/import',
    rawBody('text/csv', `${header}\nCT-IMP-01,,${station.id},DC,2,60000\nCT-AC-01,,${station.id},AC,1,7000\n`),
    tokens.maintainer,
  );
  assert.equal(imported.created, 1);
  assert.deepEqual(
    imported.errors.map((e) => [e.row, e.code]),
    [[2, 'already_exists']],
  );
  await fails(400, 'POST', '/admin/chargers/import', rawBody('text/csv', 'code,name\nX,y\n'), tokens.maintainer);
  // the station is deleted at the end: the imported charger goes first
  const importedCharger = (await ok('GET', '/admin/chargers?q=CT-IMP-01', undefined, tokens.maintainer)).items[0];
  await ok('DELETE', `/admin/chargers/${importedCharger.id}`, undefined, tokens.maintainer);
  await ok('GET', '/admin/chargers?page_size=100', undefined, tokens.maintainer);
  await fails(400, 'GET', '/admin/chargers?page=0', undefined, tokens.maintainer);
  await ok('GET', `/admin/chargers/${charger.id}`, undefined, tokens.maintainer);
  await fails(404, 'GET', `/admin/chargers/${MISSING}`, undefined, tokens.maintainer);
  await ok('PUT', `/admin/chargers/${charger.id}`, { name: 'Contract charger' }, tokens.maintainer);
  await fails(400, 'PUT', `/admin/chargers/${charger.id}`, { rated_w: 0 }, tokens.maintainer);
  await ok('POST', `/admin/chargers/${charger.id}/credentials`, undefined, tokens.maintainer);
  await fails(404, 'POST', `/admin/chargers/${MISSING}/credentials`, undefined, tokens.maintainer);
  await ok('POST', `/admin/chargers/${charger.id}/connectors`, { number: 2, max_w: 7000 }, tokens.maintainer);
  await fails(409, 'POST', `/admin/chargers/${charger.id}/connectors`, { number: 2, max_w: 7000 }, tokens.maintainer);
  await ok('PUT', `/admin/chargers/${charger.id}/connectors/2`, { max_w: 3500 }, tokens.maintainer);
  await fails(400, 'PUT', `/admin/chargers/${charger.id}/connectors/2`, { max_w: 0 }, tokens.maintainer);
  await ok('DELETE', `/admin/chargers/${charger.id}/connectors/2`, undefined, tokens.maintainer);
  await fails(404, 'DELETE', `/admin/chargers/${charger.id}/connectors/7`, undefined, tokens.maintainer);
  await fails(409, 'DELETE', `/admin/stations/${station.id}`, undefined, tokens.operator);
  await ok('DELETE', `/admin/chargers/${charger.id}`, undefined, tokens.maintainer);
  await fails(404, 'DELETE', `/admin/chargers/${charger.id}`, undefined, tokens.maintainer);
  await ok('DELETE', `/admin/stations/${station.id}`, undefined, tokens.operator);
  await ok('DELETE', `/admin/tariffs/${tariff.id}`, undefined, tokens.admin);
  await fails(404, 'DELETE', `/admin/tariffs/${tariff.id}`, undefined, tokens.admin);
  await ok('GET', '/admin/alarms', undefined, tokens.maintainer);
  await fails(403, 'GET', '/admin/alarms', undefined, tokens.driver);
  await ok('GET', '/admin/dashboard?tz=Asia/Shanghai', undefined, tokens.maintainer);
  await fails(400, 'GET', '/admin/dashboard?tz=Nowhere/Atlantis', undefined, tokens.admin);
  assert.ok(tariffs.items.length > 0);
});

test('people administration: drivers, employees, audit', async () => {
  const me = await stack.api('GET', '/me', undefined, tokens.newDriver);
  await ok('GET', '/admin/drivers', undefined, tokens.operator);
  await fails(403, 'GET', '/admin/drivers', undefined, tokens.maintainer);
  await ok('GET', `/admin/drivers/${me.id}`, undefined, tokens.admin);
  await fails(404, 'GET', `/admin/drivers/${MISSING}`, undefined, tokens.admin);
  await ok('GET', `/admin/drivers/${me.id}/ledger`, undefined, tokens.admin);
  await fails(404, 'GET', `/admin/drivers/${MISSING}/ledger`, undefined, tokens.admin);
  await ok('POST', `/admin/drivers/${me.id}/disable`, undefined, tokens.operator);
  await fails(404, 'POST', `/admin/drivers/${MISSING}/disable`, undefined, tokens.operator);
  await ok('POST', `/admin/drivers/${me.id}/enable`, undefined, tokens.operator);
  await fails(403, 'POST', `/admin/drivers/${me.id}/enable`, undefined, tokens.maintainer);
  await ok('POST', `/admin/drivers/${me.id}/balance-adjustments`, { delta_fen: 100, reason: 'contract' }, tokens.admin);
  await fails(402, 'POST', `/admin/drivers/${me.id}/balance-adjustments`, { delta_fen: -10000000, reason: 'too much' }, tokens.admin);

  const employee = await ok(
    'POST',
    '/admin/employees',
    { login: 'contract.op', password: 'Contract123', name: 'C', role: 'operator' },
    tokens.admin,
  );
  await fails(
    409,
    'POST',
    '/admin/employees',
    { login: 'contract.op', password: 'Contract123', name: 'C', role: 'operator' },
    tokens.admin,
  );
  await ok('GET', '/admin/employees', undefined, tokens.admin);
  await fails(403, 'GET', '/admin/employees', undefined, tokens.operator);
  await ok('PUT', `/admin/employees/${employee.id}`, { role: 'maintainer' }, tokens.admin);
  await fails(404, 'PUT', `/admin/employees/${MISSING}`, { role: 'maintainer' }, tokens.admin);
  await ok('POST', `/admin/employees/${employee.id}/reset-password`, { password: 'Contract456' }, tokens.admin);
  await fails(400, 'POST', `/admin/employees/${employee.id}/reset-password`, { password: 'short' }, tokens.admin);
  await ok('GET', '/admin/audit', undefined, tokens.admin);
  await fails(403, 'GET', '/admin/audit', undefined, tokens.maintainer);
});

test('broker hooks answer with the hook secret and refuse without it', async () => {
  await ok('POST', `/broker/auth?secret=${HOOK_SECRET}`, { username: 'SH-AC-01', password: 'wrong', clientid: 'SH-AC-01' });
  await fails(401, 'POST', '/broker/auth?secret=wrong', { username: 'SH-AC-01', password: 'x', clientid: 'SH-AC-01' });
  await ok('POST', `/broker/acl?secret=${HOOK_SECRET}`, {
    username: 'SH-AC-01',
    clientid: 'SH-AC-01',
    topic: 'kw/v1/SH-AC-01/meter',
    action: 'publish',
  });
  await fails(400, 'POST', `/broker/acl?secret=${HOOK_SECRET}`, { username: 'SH-AC-01', action: 'fly' });
});

test("a browser page's API answers are validated as they arrive", async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const watch = watchApiResponses(page);
    // A blank, accessible page on the server's origin (served by Playwright, not the server), so the
    // only API answers are the three fetched below.
    await page.route('**/contract-blank.html', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><html lang="en"><title>contract</title></html>' }),
    );
    await page.goto(`${stack.baseUrl}/contract-blank.html`);
    const statuses = await page.evaluate(async (token) => {
      const get = (path, auth) => fetch(path, { headers: auth ? { Authorization: `Bearer ${auth}` } : {} }).then((r) => r.status);
      return [await get('/api/v1/stations', token), await get('/api/v1/me'), await get('/api/v1/wallet', token)];
    }, tokens.driver);
    assert.deepEqual(statuses, [200, 401, 200]);
    // Response events may trail the page's own promise by a moment.
    await waitFor(() => watch.checked === 3, { timeoutMs: 5000, what: 'three validated answers' });
    await watch.assertClean();
  } finally {
    await browser.close();
  }
});

test("RFID cards, and the operator's commands and message log of an OCPP charger", async () => {
  const driverId = (await ok('GET', '/me', undefined, tokens.driver)).id;
  const card = await ok('POST', `/admin/drivers/${driverId}/cards`, { uid: 'contract1', label: 'Contract' }, tokens.admin);
  await fails(409, 'POST', `/admin/drivers/${driverId}/cards`, { uid: 'CONTRACT1' }, tokens.admin);
  await ok('GET', `/admin/drivers/${driverId}/cards`, undefined, tokens.admin);
  await fails(404, 'GET', `/admin/drivers/${MISSING}/cards`, undefined, tokens.admin);
  await ok('PUT', `/admin/cards/${card.id}`, { expires_at: null, label: 'Contract card' }, tokens.admin);
  await fails(404, 'PUT', `/admin/cards/${MISSING}`, { status: 'blocked' }, tokens.admin);
  await ok('GET', '/cards', undefined, tokens.driver);
  await fails(403, 'GET', '/cards', undefined, tokens.admin);
  await ok('POST', `/cards/${card.id}/block`, undefined, tokens.driver);
  await fails(404, 'POST', `/cards/${MISSING}/block`, undefined, tokens.driver);

  const stationId = (await ok('GET', '/stations', undefined, tokens.admin)).items[0].id;
  const created = await ok(
    'POST',
    '/admin/chargers',
    { code: 'CONTRACT-OCPP', station_id: stationId, kind: 'AC', rated_w: 7000, protocol: 'ocpp1.6' },
    tokens.admin,
  );
  const cp = new ChargePoint(stack, { code: 'CONTRACT-OCPP', password: created.ocpp.password, connectors: 1 });
  cp.replies.ClearCache = { status: 'Accepted' };
  try {
    await cp.connect();
    assert.equal((await cp.boot()).status, 'Accepted');
    await cp.status(1, 'Available');
    await waitFor(async () => (await stack.api('GET', `/admin/chargers/${created.id}`, undefined, tokens.admin)).online, {
      what: 'the OCPP charger online',
    });
    const cmd = await ok('POST', `/admin/chargers/${created.id}/commands`, { kind: 'clear_cache' }, tokens.maintainer);
    await fails(400, 'POST', `/admin/chargers/${created.id}/commands`, { kind: 'explode' }, tokens.maintainer);
    const noList = { kind: 'send_local_list', update_type: 'differential' };
    await fails(409, 'POST', `/admin/chargers/${created.id}/commands`, noList, tokens.maintainer);
    await fails(400, 'POST', `/admin/chargers/${created.id}/commands`, { kind: 'send_local_list', update_type: 'some' }, tokens.maintainer);
    await ok('GET', `/admin/chargers/${created.id}/commands`, undefined, tokens.maintainer);
    await fails(404, 'GET', `/admin/chargers/${MISSING}/commands`, undefined, tokens.maintainer);
    await ok('GET', `/admin/chargers/${created.id}/commands/${cmd.id}`, undefined, tokens.maintainer);
    await fails(404, 'GET', `/admin/chargers/${created.id}/commands/${MISSING}`, undefined, tokens.maintainer);
    await ok('GET', `/admin/chargers/${created.id}/protocol-log`, undefined, tokens.maintainer);
    await fails(404, 'GET', `/admin/chargers/${MISSING}/protocol-log`, undefined, tokens.maintainer);
  } finally {
    await cp.close({ force: true }).catch(() => {});
  }

  // Charge points waiting for approval (the edge runs with --pending-unknown): two strangers.
  const held = ['CONTRACT-NEW-1', 'CONTRACT-NEW-2'].map((code) => new ChargePoint(stack, { code, password: 'any-password-1' }));
  held[0].replies.ChangeConfiguration = { status: 'Accepted' };
  try {
    for (const h of held) {
      await h.connect();
      assert.equal((await h.boot()).status, 'Pending');
    }
    await waitFor(async () => (await stack.api('GET', '/admin/ocpp/pending', undefined, tokens.admin)).items.length >= 2, {
      what: 'the two strangers listed',
    });
    await ok('GET', '/admin/ocpp/pending', undefined, tokens.maintainer);
    await fails(403, 'GET', '/admin/ocpp/pending', undefined, tokens.driver);
    const approval = { station_id: stationId, kind: 'AC', rated_w: 7000 };
    await ok('POST', '/admin/ocpp/pending/CONTRACT-NEW-1/approve', approval, tokens.admin);
    await fails(404, 'POST', '/admin/ocpp/pending/CONTRACT-NEW-1/approve', approval, tokens.admin);
    await ok('DELETE', '/admin/ocpp/pending/CONTRACT-NEW-2', undefined, tokens.admin);
    await fails(404, 'DELETE', '/admin/ocpp/pending/CONTRACT-NEW-2', undefined, tokens.admin);
  } finally {
    for (const h of held) await h.close({ force: true }).catch(() => {});
  }
});

test('every documented operation was called for a success and an error', () => {
  const missing = documentedOperations().flatMap((op) =>
    ['ok', 'error'].filter((outcome) => !covered.get(op)?.has(outcome)).map((outcome) => `${op} (${outcome})`),
  );
  assert.deepEqual(missing, []);
});
