// Journey: charge points waiting for the operator's approval. With the edge started with
// --pending-unknown (and its own broker account), a charge point whose chargeBoxId the broker does
// not know is held instead of refused: its BootNotification is answered Pending, anything else
// SecurityError, and staff see it listed with what it said at boot. Approving it creates the
// charger and gives the station its password as the AuthorizationKey (OCPP 1.6 security
// whitepaper); it then logs in with it like any charger. Charge points are ocpp-rpc, schema-strict.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { ChargePoint, newDriver } from './lib/ocpp.mjs';
import { startStack, waitFor } from './lib/stack.mjs';

let stack;
let adminToken;
let stationId;
const open = new Set();

before(async () => {
  stack = await startStack({ demo: true, sim: false, ocpp: true, ocppPending: true });
  adminToken = await stack.staffToken('admin');
  stationId = (await stack.api('GET', '/stations', undefined, adminToken)).items[0].id;
});

after(async () => {
  try {
    for (const cp of open) await cp.close({ force: true }).catch(() => {});
  } finally {
    await stack?.stop();
  }
});

const pendingList = async () => (await stack.api('GET', '/admin/ocpp/pending', undefined, adminToken)).items;

/** An unknown charge point (any password), connected and booted: answered Pending. */
async function heldChargePoint(code) {
  const cp = new ChargePoint(stack, { code, password: 'factory-default-pw' });
  open.add(cp);
  await cp.connect();
  const conf = await cp.boot({ chargePointVendor: 'NewVendor', chargePointModel: 'NV-7', chargePointSerialNumber: `SN-${code}` });
  assert.equal(conf.status, 'Pending', cp.tail());
  return { cp, conf };
}

const approve = (code, fields = {}) =>
  stack.api(
    'POST',
    `/admin/ocpp/pending/${code}/approve`,
    { station_id: stationId, kind: 'AC', rated_w: 7000, connectors: 1, ...fields },
    adminToken,
  );

/** The HTTP status of a failed API call (the call must fail). */
async function statusOf(call) {
  try {
    await call;
  } catch (e) {
    if (e.status) return e.status;
    throw e;
  }
  throw new Error('the call succeeded');
}

/** The password an AuthorizationKey carries: its hexadecimal digits decoded. */
const fromKey = (hex) => Buffer.from(hex, 'hex').toString('latin1');

test('an unknown charge point is held: BootNotification Pending with an interval, other calls SecurityError, listed for approval', async () => {
  const { cp, conf } = await heldChargePoint('NEW-CP-1');
  assert.ok(conf.interval >= 10, `interval ${conf.interval}`);
  await assert.rejects(cp.call('Heartbeat', {}), (e) => e.rpcErrorCode === 'SecurityError');
  await assert.rejects(
    cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' }),
    (e) => e.rpcErrorCode === 'SecurityError',
  );
  const listed = await waitFor(async () => (await pendingList()).find((p) => p.code === 'NEW-CP-1'), {
    timeoutMs: 10000,
    what: 'NEW-CP-1 listed for approval',
  });
  assert.equal(listed.vendor, 'NewVendor');
  assert.equal(listed.model, 'NV-7');
  assert.equal(listed.serial, 'SN-NEW-CP-1');
  assert.equal(listed.protocol, 'ocpp1.6');
  assert.equal(listed.boots, 1);
  await cp.boot();
  await waitFor(async () => (await pendingList()).find((p) => p.code === 'NEW-CP-1')?.boots === 2, {
    timeoutMs: 10000,
    what: 'the second boot counted',
  });
  // Not a charger yet: no such charger in the console.
  const chargers = await stack.api('GET', '/admin/chargers?q=NEW-CP-1', undefined, adminToken);
  assert.equal(chargers.items.filter((c) => c.code === 'NEW-CP-1').length, 0);
});

test('approving a held charge point creates its charger and sets its AuthorizationKey; it logs in with the key and is Accepted and online', async () => {
  const { cp } = await heldChargePoint('NEW-CP-2');
  let key = null;
  cp.replies.ChangeConfiguration = (params) => {
    if (params.key === 'AuthorizationKey') key = params.value;
    return { status: 'Accepted' };
  };
  await waitFor(async () => (await pendingList()).some((p) => p.code === 'NEW-CP-2'), { timeoutMs: 10000, what: 'listed' });
  const created = await approve('NEW-CP-2', { name: 'Approved AC' });
  assert.equal(created.code, 'NEW-CP-2');
  assert.equal(created.protocol, 'ocpp1.6');
  assert.equal(created.ocpp.username, 'NEW-CP-2');
  await waitFor(() => key !== null, { timeoutMs: 10000, what: `the AuthorizationKey sent; frames:\n${cp.tail()}` });
  assert.match(key, /^[0-9A-F]{40}$/);
  assert.equal(fromKey(key), created.ocpp.password, 'the key is the password shown once');
  // The edge closes the held connection once the key is taken; the station comes back with it.
  await waitFor(() => cp.frames.some((f) => f.includes('-- disconnected 1012')), { timeoutMs: 10000, what: 'closed 1012' });
  assert.equal(
    (await pendingList()).some((p) => p.code === 'NEW-CP-2'),
    false,
    'no longer waiting',
  );
  const again = new ChargePoint(stack, { code: 'NEW-CP-2', password: fromKey(key) });
  open.add(again);
  await again.connect();
  assert.equal((await again.boot()).status, 'Accepted', again.tail());
  await again.status(1, 'Available');
  await waitFor(async () => (await stack.api('GET', `/admin/chargers/${created.id}`, undefined, adminToken)).online === true, {
    timeoutMs: 10000,
    what: 'the approved charger online',
  });
});

test('a held charge point that refuses the key stays connected and waiting for its installer; the password shown once logs it in', async () => {
  const { cp } = await heldChargePoint('NEW-CP-3');
  cp.replies.ChangeConfiguration = { status: 'NotSupported' };
  await waitFor(async () => (await pendingList()).some((p) => p.code === 'NEW-CP-3'), { timeoutMs: 10000, what: 'listed' });
  const created = await approve('NEW-CP-3');
  const params = await cp.nextCall('ChangeConfiguration');
  assert.equal(params.key, 'AuthorizationKey');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(
    cp.frames.some((f) => f.includes('-- disconnected')),
    false,
    'the held connection stays open',
  );
  const installer = new ChargePoint(stack, { code: 'NEW-CP-3', password: created.ocpp.password });
  open.add(installer);
  await installer.connect();
  assert.equal((await installer.boot()).status, 'Accepted', installer.tail());
});

test('dismissing a held charge point takes it off the list; unknown or malformed codes are refused', async () => {
  await heldChargePoint('NEW-CP-4');
  await waitFor(async () => (await pendingList()).some((p) => p.code === 'NEW-CP-4'), { timeoutMs: 10000, what: 'listed' });
  await stack.api('DELETE', '/admin/ocpp/pending/NEW-CP-4', undefined, adminToken);
  assert.equal(
    (await pendingList()).some((p) => p.code === 'NEW-CP-4'),
    false,
  );
  assert.equal(await statusOf(stack.api('DELETE', '/admin/ocpp/pending/NEW-CP-4', undefined, adminToken)), 404);
  assert.equal(await statusOf(approve('NOT-WAITING')), 404);
  assert.equal(await statusOf(stack.api('DELETE', '/admin/ocpp/pending/bad%20code', undefined, adminToken)), 400);
  const chargers = await stack.api('GET', '/admin/chargers?q=NOT-WAITING', undefined, adminToken);
  assert.equal(chargers.items.length, 0, 'a refused approval creates nothing');
});

test("a known charger's code with a wrong password is held like a stranger but never listed, so it cannot be approved over the real one", async () => {
  const real = await stack.api(
    'POST',
    '/admin/chargers',
    { code: 'KNOWN-CP-1', station_id: stationId, kind: 'AC', rated_w: 7000, connectors: 1, protocol: 'ocpp1.6' },
    adminToken,
  );
  const cp = new ChargePoint(stack, { code: real.code, password: 'not-the-real-password' });
  open.add(cp);
  await cp.connect();
  assert.equal((await cp.boot()).status, 'Pending');
  await waitFor(() => /event=ocpp_pending_known_code code=KNOWN-CP-1/.test(fs.readFileSync(stack.serverLog, 'utf8')), {
    timeoutMs: 10000,
    what: 'the server logs the wrong password of a known charger',
  });
  assert.equal(
    (await pendingList()).some((p) => p.code === 'KNOWN-CP-1'),
    false,
  );
});

test('drivers can neither see nor approve waiting charge points', async () => {
  const driver = await newDriver(stack);
  assert.equal(await statusOf(stack.api('GET', '/admin/ocpp/pending', undefined, driver.token)), 403);
  const body = { station_id: stationId, kind: 'AC', rated_w: 7000 };
  assert.equal(await statusOf(stack.api('POST', '/admin/ocpp/pending/NEW-CP-9/approve', body, driver.token)), 403);
});
