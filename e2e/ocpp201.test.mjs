// Journey: OCPP 2.0.1 charging stations (played by the npm package ocpp-rpc, schema-strict both ways
// with the subprotocol ocpp2.0.1) connect to kilowatt-ocpp and are chargers of the real stack. One
// test per case of the OCA OCPP 2.0.1 compliance test tool (OCTT), CSMS side, named after its id
// (TC_X_nn_CSMS): boot (Accepted, Pending, SecurityError before an accepted boot), the device model
// (GetVariables, SetVariables, GetBaseReport + NotifyReport), reset, authorisation of RFID cards,
// transactions started at the station (cable first, card first, EV connected), remote start and stop
// from the driver app, GetTransactionStatus after a reconnect, seqNo 0 at every start, unlock, trigger
// message, availability, meter values, DataTransfer. Every session is paid from a driver's wallet
// and its bill checked to the fen. Besides: subprotocol negotiation, 2.0.1 error names, seqNo
// duplicates and gaps, an offline transaction billed by its own times.
// Where Kilowatt cannot do a case as OCTT describes it, the test says what Kilowatt does instead.
// Transcripts of every station's frames go to e2e/output/ocpp/; the edge's log is stack.ocpp.log().
// EVSE n is Kilowatt connector n (one connector, id 1, per EVSE). One stack; a fresh charger per test.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { newDriver, now, rawConnection } from './lib/ocpp.mjs';
import { ocppJourney } from './lib/ocpp-journey.mjs';
import { Station, meterValue201 } from './lib/ocpp201.mjs';
import { waitFor } from './lib/stack.mjs';

// the helpers on this file's stack (lib/ocpp-journey.mjs: made by a factory that holds the stack)
const kw = ocppJourney({ protocol: 'ocpp2.0.1', codePrefix: 'OCPP201' });
const { open, newCharger, adminCharger, getOrder, wallet, waitOrderState, waitLive, waitOnline, waitConnector } = kw;
const { assertExactBill, edgeEvents, command, issueCard } = kw;
const closeStation = kw.close;

let stack;
let adminToken;

before(async () => {
  ({ stack, adminToken } = await kw.start());
});

after(() => kw.stop());

/** Connected and booted (Accepted), its meter interval set, every EVSE Available, online in the console. */
async function bootedStation(charger, options) {
  const st = new Station(stack, charger, options);
  open.add(st);
  await st.connect();
  const conf = await st.boot();
  assert.equal(conf.status, 'Accepted', st.tail());
  // the operator's meter interval (orders.meter_interval_s, 10 s), as 2.0.1 configures it
  assert.deepEqual(await st.nextCall('SetVariables'), {
    setVariableData: [{ attributeValue: '10', component: { name: 'SampledDataCtrlr' }, variable: { name: 'TxUpdatedInterval' } }],
  });
  for (let evse = 1; evse <= charger.connectors; evse += 1) await st.status(evse, 'Available');
  await waitOnline(charger);
  return st;
}

let txCount = 0;
const newTxId = (st) => `${st.code}-T${(txCount += 1)}`;

/**
 * The driver's order -> RequestStartTransaction (answered Accepted, or as `answer` says), checked:
 * evseId = the connector, remoteStartId = the order, idToken KW-O<order> of type Central.
 */
async function appOrder(st, driver, { evse = 1, answer } = {}) {
  if (answer) st.replies.RequestStartTransaction = answer;
  const order = await stack.api('POST', '/orders', { charger_code: st.code, connector: evse }, driver.token);
  assert.equal(order.state, 'starting');
  const req = await st.nextCall('RequestStartTransaction');
  assert.deepEqual(req, { evseId: evse, remoteStartId: order.id, idToken: { idToken: `KW-O${order.id}`, type: 'Central' } });
  return { orderId: order.id, req };
}

/**
 * The app's start, remote start first (OCTT F_03: AuthorizeRemoteStart false): order,
 * RequestStartTransaction, TransactionEvent Started (RemoteStart, remoteStartId, the order's idToken,
 * the start reading), EVSE Occupied, Updated Charging; the order charges.
 */
async function appStart(st, driver, { evse = 1, meterStart, authorizeFirst = false, seqNo } = {}) {
  const { orderId, req } = await appOrder(st, driver, { evse });
  if (authorizeFirst) {
    // F_02 (AuthorizeRemoteStart true): the station authorises the token as a local action would
    assert.deepEqual(await st.call('Authorize', { idToken: req.idToken }), { idTokenInfo: { status: 'Accepted' } });
  }
  const transactionId = newTxId(st);
  const started = await st.txEvent('Started', {
    transactionId,
    seqNo,
    triggerReason: 'RemoteStart',
    remoteStartId: orderId,
    idToken: req.idToken,
    chargingState: 'EVConnected',
    evseId: evse,
    wh: meterStart,
  });
  assert.deepEqual(started, { idTokenInfo: { status: 'Accepted' } });
  await st.status(evse, 'Occupied');
  assert.deepEqual(
    await st.txEvent('Updated', { transactionId, triggerReason: 'ChargingStateChanged', chargingState: 'Charging', evseId: evse }),
    {},
  );
  await waitOrderState(orderId, driver, 'charging');
  return { orderId, transactionId, idToken: req.idToken };
}

/** An Updated event with a reading, then waits until the order's live energy shows it. */
async function meter(st, driver, { orderId, transactionId, meterStart, wh, powerW = 120000, evseId = 1 }) {
  assert.deepEqual(await st.txEvent('Updated', { transactionId, triggerReason: 'MeterValuePeriodic', evseId, wh, powerW }), {});
  return waitLive(orderId, driver, wh - meterStart);
}

/** The EV plugged in first (TxStartPoint EVConnected): EVSE 1 Occupied, Started (CablePluggedIn) answered, shown preparing. */
async function pluggedIn(st, charger, wh) {
  await st.status(1, 'Occupied');
  const transactionId = newTxId(st);
  assert.deepEqual(await st.txEvent('Started', { transactionId, triggerReason: 'CablePluggedIn', chargingState: 'EVConnected', wh }), {});
  await waitConnector(charger, 'preparing');
  return transactionId;
}

/** The driver stops in the app: RequestStopTransaction, then Ended (Remote) answered once stored; settled. */
async function appStop(st, driver, { orderId, transactionId, meterStop, evse = 1 }) {
  const stopping = await stack.api('POST', `/orders/${orderId}/stop`, undefined, driver.token);
  assert.equal(stopping.state, 'stopping');
  assert.deepEqual(await st.nextCall('RequestStopTransaction'), { transactionId });
  const ended = await st.txEvent('Ended', {
    transactionId,
    triggerReason: 'RemoteStop',
    stoppedReason: 'Remote',
    evseId: evse,
    wh: meterStop,
  });
  assert.deepEqual(ended, {});
  const order = await waitOrderState(orderId, driver, 'settled');
  assert.equal(order.stop_reason, 'driver');
  return order;
}

const rfid = (uid) => ({ idToken: uid, type: 'ISO14443' });
/** An idTokenInfo without the card holder's group (groupIdToken, checked to be a Central token when given). */
function withoutGroup({ groupIdToken, ...info }) {
  if (groupIdToken !== undefined) assert.equal(groupIdToken.type, 'Central', JSON.stringify(groupIdToken));
  return info;
}
const authorize = async (st, uid) => withoutGroup((await st.call('Authorize', { idToken: rfid(uid) })).idTokenInfo);
/** A TransactionEvent's answer to a card's event, its idTokenInfo without the group. */
const cardAnswer = ({ idTokenInfo, ...answer }) => (idTokenInfo ? { ...answer, idTokenInfo: withoutGroup(idTokenInfo) } : answer);

// ---------------------------------------------------------------------------------- handshake

test('handshake: a station offering "ocpp2.0.1, ocpp1.6" gets ocpp2.0.1; one offering only versions the edge does not speak is refused with HTTP 400', async () => {
  const charger = await newCharger();
  const st = new Station(stack, charger, { protocols: ['ocpp2.0.1', 'ocpp1.6'] });
  open.add(st);
  const { response } = await st.connect();
  assert.equal(st.client.protocol, 'ocpp2.0.1');
  assert.equal(response.headers['sec-websocket-protocol'], 'ocpp2.0.1');
  await waitFor(() => edgeEvents('ocpp_connected', charger.code).some((l) => l.includes('protocol=ocpp2.0.1')), {
    what: 'event=ocpp_connected protocol=ocpp2.0.1 in the edge log',
  });
  assert.equal((await st.boot()).status, 'Accepted');
  await closeStation(st);
  for (const protocols of [['ocpp2.1'], ['ocpp1.5', 'ocpp2.0']]) {
    const refused = new Station(stack, charger, { protocols, strict: false });
    await assert.rejects(refused.connect(), (e) => e.code === 400, `offered ${JSON.stringify(protocols)}`);
  }
});

// ---------------------------------------------------------------------------------- B: provisioning

test('TC_B_01_CSMS cold boot: BootNotification Accepted with the heartbeat interval and the time, StatusNotification, Heartbeat; the console and the app show it online with its boot data', async () => {
  const charger = await newCharger(2);
  const st = new Station(stack, charger);
  open.add(st);
  await st.connect();
  const before = Date.now();
  const conf = await st.boot({ vendorName: 'Acme', model: 'DC360', firmwareVersion: '7.1.0' });
  assert.equal(conf.status, 'Accepted');
  assert.equal(conf.interval, 5, "the server's heartbeat period (startStack heartbeatS)");
  const t = Date.parse(conf.currentTime);
  assert.ok(t >= before - 2000 && t <= Date.now() + 2000, `currentTime ${conf.currentTime} is now`);
  for (const evse of [1, 2]) assert.deepEqual(await st.status(evse, 'Available'), {});
  const beat = await st.call('Heartbeat', {});
  assert.ok(Math.abs(Date.parse(beat.currentTime) - Date.now()) < 5000, `Heartbeat currentTime ${beat.currentTime}`);
  const shown = await waitOnline(charger);
  assert.equal(shown.vendor, 'Acme');
  assert.equal(shown.model, 'DC360');
  assert.equal(shown.firmware, '7.1.0');
  assert.equal(shown.protocol, 'ocpp2.0.1');
  const driver = await newDriver(stack);
  const pub = await stack.api('GET', `/chargers/${charger.code}`, undefined, driver.token);
  assert.equal(pub.online, true);
  await closeStation(st);
});

// The core answers every boot of a known charger Accepted: Pending is the edge's answer when the core
// does not answer within 10 s (v201::Settings boot_answer_ms; kilowatt-ocpp's --boot-answer-ms is
// for 1.6 only), so the core is paused (SIGSTOP) for it. Two stations boot during one pause: the
// first boots again for B_02, the second is left Pending for B_30.
let pendingStations;
function bootPending() {
  pendingStations ??= (async () => {
    const chargers = [await newCharger(), await newCharger()];
    const stations = chargers.map((c) => new Station(stack, c));
    for (const st of stations) {
      open.add(st);
      await st.connect();
    }
    const started = Date.now();
    process.kill(stack.serverPid, 'SIGSTOP');
    let answers;
    try {
      answers = await Promise.all(stations.map((st) => st.boot()));
    } finally {
      process.kill(stack.serverPid, 'SIGCONT');
    }
    return { chargers, stations, answers, tookMs: Date.now() - started };
  })();
  return pendingStations;
}

test('TC_B_02_CSMS cold boot Pending: answered Pending (interval, time) while the core does not answer, the connection stays open, and Accepted when the station boots again', async () => {
  const { chargers, stations, answers, tookMs } = await bootPending();
  const [charger] = chargers;
  const [st] = stations;
  assert.equal(answers[0].status, 'Pending', JSON.stringify(answers[0]));
  assert.equal(answers[0].interval, 30);
  assert.ok(Math.abs(Date.parse(answers[0].currentTime) - Date.now()) < 15000);
  assert.ok(tookMs >= 9500 && tookMs < 14000, `answered after ${tookMs} ms`);
  await waitFor(() => edgeEvents('ocpp_boot_pending', charger.code).length === 1, { what: 'event=ocpp_boot_pending' });
  assert.equal(st.client.state, 1, 'still open (B02.FR.06)');
  const again = await st.boot();
  assert.equal(again.status, 'Accepted', JSON.stringify(again));
  assert.equal(again.interval, 5);
  await st.nextCall('SetVariables');
  assert.deepEqual(await st.status(1, 'Available'), {});
  await waitFor(async () => (await adminCharger(charger)).online, { what: 'online' });
  await closeStation(st);
});

test('TC_B_30_CSMS a station whose boot is Pending gets CALLERROR SecurityError for StatusNotification, Heartbeat and TransactionEvent, until its boot is Accepted', async () => {
  const { chargers, stations, answers } = await bootPending();
  const charger = chargers[1];
  const st = stations[1];
  assert.equal(answers[1].status, 'Pending');
  await assert.rejects(st.status(1, 'Available'), (e) => e.rpcErrorCode === 'SecurityError');
  await assert.rejects(st.call('Heartbeat', {}), (e) => e.rpcErrorCode === 'SecurityError');
  await assert.rejects(
    st.txEvent('Started', { transactionId: newTxId(st), triggerReason: 'CablePluggedIn', chargingState: 'EVConnected', wh: 100 }),
    (e) => e.rpcErrorCode === 'SecurityError',
  );
  assert.equal(edgeEvents('ocpp_call_before_boot', charger.code).length >= 3, true);
  assert.equal((await st.boot()).status, 'Accepted');
  assert.deepEqual(await st.status(1, 'Available'), {});
  await waitConnector(charger, 'available');
  await closeStation(st);
});

test('TC_B_06_CSMS get variables: the operator reads OCPPCommCtrlr/OfflineThreshold (GetVariables), an unknown variable is reported unknown', async () => {
  const charger = await newCharger();
  const st = await bootedStation(charger);
  st.replies.GetVariables = ({ getVariableData }) => ({
    getVariableResult: getVariableData.map((d) =>
      d.variable.name === 'OfflineThreshold'
        ? { attributeStatus: 'Accepted', attributeType: 'Actual', attributeValue: '60', component: d.component, variable: d.variable }
        : { attributeStatus: 'UnknownVariable', component: d.component, variable: d.variable },
    ),
  });
  const got = await command(charger, { kind: 'get_configuration', keys: ['OCPPCommCtrlr/OfflineThreshold'] });
  assert.deepEqual(await st.nextCall('GetVariables'), {
    getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'OfflineThreshold' } }],
  });
  assert.equal(got.status, 'accepted');
  assert.deepEqual(got.result, {
    configuration: [{ key: 'OCPPCommCtrlr/OfflineThreshold', readonly: false, value: '60' }],
    unknown_keys: [],
  });

  const two = await command(charger, { kind: 'get_configuration', keys: ['OCPPCommCtrlr/OfflineThreshold', 'EVSE@1/NoSuch', 'not a key'] });
  assert.deepEqual(await st.nextCall('GetVariables'), {
    getVariableData: [
      { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'OfflineThreshold' } },
      { component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'NoSuch' } },
    ],
  });
  assert.equal(two.status, 'accepted');
  assert.deepEqual(two.result.unknown_keys.sort(), ['EVSE@1/NoSuch', 'not a key']);
  assert.equal(two.result.configuration.length, 1);
  await closeStation(st);
});

test('TC_B_09_CSMS set variables: the operator sets OCPPCommCtrlr/OfflineThreshold (SetVariables, Accepted); Rejected and UnknownVariable are recorded as refusals', async () => {
  const charger = await newCharger();
  const st = await bootedStation(charger);
  const results = { OfflineThreshold: 'Accepted', NetworkConfigurationPriority: 'Rejected', NoSuch: 'UnknownVariable' };
  st.replies.SetVariables = ({ setVariableData }) => ({
    setVariableResult: setVariableData.map((d) => ({
      attributeStatus: results[d.variable.name],
      component: d.component,
      variable: d.variable,
    })),
  });
  const set = await command(charger, { kind: 'set_configuration', key: 'OCPPCommCtrlr/OfflineThreshold', value: '123' });
  assert.deepEqual(await st.nextCall('SetVariables'), {
    setVariableData: [{ attributeValue: '123', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'OfflineThreshold' } }],
  });
  assert.equal(set.status, 'accepted');
  const rejected = await command(charger, { kind: 'set_configuration', key: 'OCPPCommCtrlr/NetworkConfigurationPriority', value: '9' });
  assert.equal(rejected.status, 'rejected');
  assert.equal(rejected.reason, 'rejected');
  const unknown = await command(charger, { kind: 'set_configuration', key: 'OCPPCommCtrlr/NoSuch', value: '1' });
  assert.equal(unknown.status, 'rejected');
  assert.equal(unknown.reason, 'unknown_variable');
  await closeStation(st);
});

test('TC_B_12_CSMS get base report: the whole configuration is asked for (GetBaseReport) and its NotifyReport parts (seqNo, tbc) make one answer', async () => {
  const charger = await newCharger();
  const st = await bootedStation(charger);
  st.replies.GetBaseReport = { status: 'Accepted' };
  const sent = await stack.api('POST', `/admin/chargers/${charger.id}/commands`, { kind: 'get_configuration' }, adminToken);
  const req = await st.nextCall('GetBaseReport');
  // OCTT asks for reportBase ConfigurationInventory; Kilowatt asks for FullInventory (every
  // variable, read-only ones too, shown read-only in the console) and takes only Actual values
  assert.equal(req.reportBase, 'FullInventory');
  assert.ok(Number.isInteger(req.requestId) && req.requestId >= 0);
  const item = (component, variable, value, mutability) => ({
    component,
    variable: { name: variable },
    variableAttribute: [{ type: 'Actual', value, mutability }],
  });
  const parts = [
    [
      item({ name: 'OCPPCommCtrlr' }, 'OfflineThreshold', '60', 'ReadWrite'),
      item({ name: 'OCPPCommCtrlr' }, 'HeartbeatInterval', '5', 'ReadWrite'),
    ],
    [item({ name: 'EVSE', evse: { id: 1 } }, 'Power', '360000', 'ReadOnly')],
  ];
  for (const [seqNo, reportData] of parts.entries()) {
    const tbc = seqNo < parts.length - 1;
    assert.deepEqual(await st.call('NotifyReport', { requestId: req.requestId, generatedAt: now(), seqNo, tbc, reportData }), {});
  }
  const done = await waitFor(
    async () => {
      const c = await stack.api('GET', `/admin/chargers/${charger.id}/commands/${sent.id}`, undefined, adminToken);
      return c.status === 'sent' ? null : c;
    },
    { what: 'the report assembled' },
  );
  assert.equal(done.status, 'accepted');
  assert.deepEqual(done.result, {
    configuration: [
      { key: 'OCPPCommCtrlr/OfflineThreshold', readonly: false, value: '60' },
      { key: 'OCPPCommCtrlr/HeartbeatInterval', readonly: false, value: '5' },
      { key: 'EVSE@1/Power', readonly: true, value: '360000' },
    ],
    unknown_keys: [],
  });
  await closeStation(st);
});

test("TC_B_20_CSMS reset without a transaction, OnIdle: the operator's soft reset is Reset OnIdle, the station reboots (BootNotification RemoteReset Accepted, StatusNotification) and is online again", async () => {
  const charger = await newCharger();
  const st = await bootedStation(charger);
  st.replies.Reset = { status: 'Accepted' };
  const done = await command(charger, { kind: 'reset', type: 'soft' });
  assert.deepEqual(await st.nextCall('Reset'), { type: 'OnIdle' });
  assert.equal(done.status, 'accepted');
  await closeStation(st);
  const rebooted = new Station(stack, charger);
  open.add(rebooted);
  await rebooted.connect();
  assert.equal((await rebooted.boot({ reason: 'RemoteReset' })).status, 'Accepted');
  await rebooted.nextCall('SetVariables');
  assert.deepEqual(await rebooted.status(1, 'Available'), {});
  await waitFor(async () => (await adminCharger(charger)).online, { what: 'online again' });
  // a hard reset is Reset Immediate
  rebooted.replies.Reset = { status: 'Rejected' };
  const hard = await command(charger, { kind: 'reset', type: 'hard' });
  assert.deepEqual(await rebooted.nextCall('Reset'), { type: 'Immediate' });
  assert.equal(hard.status, 'rejected');
  await closeStation(rebooted);
});

// ---------------------------------------------------------------------------------- C: authorisation

test('TC_C_02_CSMS an unknown idToken is Invalid (Authorize), and a transaction the station starts with it anyway is refused and billed to nobody', async () => {
  const charger = await newCharger();
  const st = await bootedStation(charger);
  assert.deepEqual(await authorize(st, 'NOSUCHCARD1'), { status: 'Invalid' });
  const transactionId = newTxId(st);
  const started = await st.txEvent('Started', {
    transactionId,
    triggerReason: 'Authorized',
    idToken: rfid('NOSUCHCARD1'),
    chargingState: 'EVConnected',
    wh: 1000,
  });
  assert.deepEqual(cardAnswer(started), { idTokenInfo: { status: 'Invalid' } });
  // the station stops it (DeAuthorized): answered, nothing billed
  const ended = await st.txEvent('Ended', { transactionId, triggerReason: 'Deauthorized', stoppedReason: 'DeAuthorized', wh: 1000 });
  assert.deepEqual(ended, {});
  await waitFor(() => edgeEvents('ocpp_tx_ended_unbilled', charger.code).length === 1, { what: 'event=ocpp_tx_ended_unbilled' });
  await closeStation(st);
});

test('TC_C_06_CSMS a blocked card is Blocked (Authorize); a start with it makes no order and its holder pays nothing', async () => {
  const charger = await newCharger();
  const st = await bootedStation(charger);
  const driver = await newDriver(stack);
  const card = await issueCard(driver);
  await stack.api('PUT', `/admin/cards/${card.id}`, { status: 'blocked' }, adminToken);
  assert.deepEqual(await authorize(st, card.uid), { status: 'Blocked' });
  const transactionId = newTxId(st);
  const started = await st.txEvent('Started', { transactionId, triggerReason: 'Authorized', idToken: rfid(card.uid), wh: 500 });
  assert.deepEqual(cardAnswer(started), { idTokenInfo: { status: 'Blocked' } });
  assert.deepEqual(await st.txEvent('Ended', { transactionId, triggerReason: 'Deauthorized', stoppedReason: 'DeAuthorized', wh: 600 }), {});
  assert.equal((await stack.api('GET', '/orders', undefined, driver.token)).items.length, 0);
  assert.equal(await wallet(driver), driver.topupFen);
  await closeStation(st);
});

test('TC_C_07_CSMS an expired card is Expired with its expiry as cacheExpiryDateTime (Authorize); a start with it makes no order', async () => {
  const charger = await newCharger();
  const st = await bootedStation(charger);
  const driver = await newDriver(stack);
  const card = await issueCard(driver, { expires_at: '2026-01-01T00:00:00Z' });
  assert.equal(card.expired, true);
  assert.deepEqual(await authorize(st, card.uid), { status: 'Expired', cacheExpiryDateTime: '2026-01-01T00:00:00Z' });
  const transactionId = newTxId(st);
  const started = await st.txEvent('Started', { transactionId, triggerReason: 'Authorized', idToken: rfid(card.uid), wh: 500 });
  assert.deepEqual(cardAnswer(started), { idTokenInfo: { status: 'Expired' } });
  assert.deepEqual(await st.txEvent('Ended', { transactionId, triggerReason: 'Deauthorized', stoppedReason: 'DeAuthorized', wh: 500 }), {});
  assert.equal((await stack.api('GET', '/orders', undefined, driver.token)).items.length, 0);
  assert.equal(await wallet(driver), driver.topupFen);
  await closeStation(st);
});

// ---------------------------------------------------------------------------------- E: transactions

/** The driver's one order of a card session, once it charges. */
async function cardOrder(driver) {
  return waitFor(
    async () => {
      const [o] = (await stack.api('GET', '/orders', undefined, driver.token)).items;
      return o && o.state === 'charging' ? o : null;
    },
    { what: 'the card order charging' },
  );
}

test("TC_E_03_CSMS local start, cable plugged in first: Occupied, Started (CablePluggedIn, EVConnected), Authorize, Updated (Authorized, card) answered Accepted once the core made the order on the card holder's wallet; charges, stops, exact bill", async () => {
  const charger = await newCharger();
  const st = await bootedStation(charger);
  const driver = await newDriver(stack);
  const card = await issueCard(driver);
  await st.status(1, 'Occupied');
  await waitConnector(charger, 'preparing');
  const transactionId = newTxId(st);
  assert.deepEqual(
    await st.txEvent('Started', { transactionId, triggerReason: 'CablePluggedIn', chargingState: 'EVConnected', wh: 2000 }),
    {},
  );
  assert.deepEqual(await authorize(st, card.uid), { status: 'Accepted' });
  const authorized = await st.txEvent('Updated', { transactionId, triggerReason: 'Authorized', idToken: rfid(card.uid), wh: 2010 });
  assert.deepEqual(cardAnswer(authorized), { idTokenInfo: { status: 'Accepted' } });
  await st.txEvent('Updated', { transactionId, triggerReason: 'ChargingStateChanged', chargingState: 'Charging' });
  const order = await cardOrder(driver);
  assert.equal(order.charger_code, charger.code);
  await waitConnector(charger, 'charging');
  await meter(st, driver, { orderId: order.id, transactionId, meterStart: 2010, wh: 2300 });
  const ended = await st.txEvent('Ended', {
    transactionId,
    triggerReason: 'StopAuthorized',
    stoppedReason: 'Local',
    idToken: rfid(card.uid),
    wh: 2400,
  });
  assert.deepEqual(cardAnswer(ended), { idTokenInfo: { status: 'Accepted' } });
  const settled = await waitOrderState(order.id, driver, 'settled');
  assert.equal(settled.stop_reason, 'charger_local');
  await assertExactBill(settled, driver, { meterStart: 2010, meterStop: 2400 });
  await closeStation(st);
});

test("TC_E_04_CSMS local start, authorisation first: Authorize, Started (Authorized, card) answered Accepted once the core made the order on the card holder's wallet; Updated Charging; Ended; exact bill", async () => {
  const charger = await newCharger();
  const st = await bootedStation(charger);
  const driver = await newDriver(stack);
  const card = await issueCard(driver);
  assert.deepEqual(await authorize(st, card.uid), { status: 'Accepted' });
  const transactionId = newTxId(st);
  const started = await st.txEvent('Started', { transactionId, triggerReason: 'Authorized', idToken: rfid(card.uid), wh: 30000 });
  assert.deepEqual(cardAnswer(started), { idTokenInfo: { status: 'Accepted' } });
  await st.status(1, 'Occupied');
  await st.txEvent('Updated', { transactionId, triggerReason: 'CablePluggedIn', chargingState: 'EVConnected' });
  await st.txEvent('Updated', { transactionId, triggerReason: 'ChargingStateChanged', chargingState: 'Charging' });
  const order = await cardOrder(driver);
  await meter(st, driver, { orderId: order.id, transactionId, meterStart: 30000, wh: 30250 });
  assert.deepEqual(
    await st.txEvent('Ended', { transactionId, triggerReason: 'EVCommunicationLost', stoppedReason: 'EVDisconnected', wh: 30400 }),
    {},
  );
  const settled = await waitOrderState(order.id, driver, 'settled');
  assert.equal(settled.stop_reason, 'charger_local');
  await assertExactBill(settled, driver, { meterStart: 30000, meterStop: 30400 });
  await closeStation(st);
});

test('TC_E_07_CSMS local stop with PowerPathClosed: a session from the app stopped at the station (Updated StopAuthorized, Ended Local) settles as stopped at the charger with the exact bill, no RequestStopTransaction', async () => {
  const charger = await newCharger();
  const st = await bootedStation(charger);
  const driver = await newDriver(stack);
  const { orderId, transactionId, idToken } = await appStart(st, driver, { meterStart: 777 });
  await meter(st, driver, { orderId, transactionId, meterStart: 777, wh: 1077 });
  // an event with an idToken is answered with its idTokenInfo
  const stopAuthorized = await st.txEvent('Updated', {
    transactionId,
    triggerReason: 'StopAuthorized',
    idToken,
    chargingState: 'EVConnected',
  });
  assert.deepEqual(stopAuthorized, { idTokenInfo: { status: 'Accepted' } });
  const ended = await st.txEvent('Ended', { transactionId, triggerReason: 'EVCommunicationLost', stoppedReason: 'Local', wh: 1177 });
  assert.deepEqual(ended, {});
  const order = await waitOrderState(orderId, driver, 'settled');
  assert.equal(order.stop_reason, 'charger_local');
  await assertExactBill(order, driver, { meterStart: 777, meterStop: 1177 });
  assert.equal(st.hasCall('RequestStopTransaction'), false);
  await st.status(1, 'Available');
  await waitConnector(charger, 'available');
  await closeStation(st);
});

test('TC_E_09_CSMS a transaction started when the EV connects (TxStartPoint EVConnected) and never authorised: answered, shown preparing, ended when the EV leaves, billed to nobody; the app then starts one on the same EVSE', async () => {
  const charger = await newCharger();
  const st = await bootedStation(charger);
  const driver = await newDriver(stack);
  const transactionId = await pluggedIn(st, charger, 5000);
  const ended = await st.txEvent('Ended', {
    transactionId,
    triggerReason: 'EVCommunicationLost',
    stoppedReason: 'EVDisconnected',
    wh: 5000,
  });
  assert.deepEqual(ended, {});
  await waitFor(() => edgeEvents('ocpp_tx_ended_unbilled', charger.code).length === 1, { what: 'event=ocpp_tx_ended_unbilled' });
  await st.status(1, 'Available');
  await waitConnector(charger, 'available');
  // what Kilowatt bills is an authorised session: the app's, on the same EVSE
  const tx = await appStart(st, driver, { meterStart: 5000 });
  const order = await appStop(st, driver, { ...tx, meterStop: 5321 });
  await assertExactBill(order, driver, { meterStart: 5000, meterStop: 5321 });
  await closeStation(st);
});

test('TC_E_29_CSMS after a lost connection mid-session the edge asks GetTransactionStatus; the station has messages queued (ongoing), sends them offline, and the session ends from the app with the exact bill', async () => {
  const charger = await newCharger();
  const st = await bootedStation(charger);
  const driver = await newDriver(stack);
  const meterStart = 40000;
  const { orderId, transactionId } = await appStart(st, driver, { meterStart });
  await meter(st, driver, { orderId, transactionId, meterStart, wh: 40200 });
  await closeStation(st, { force: true });
  await waitFor(async () => !(await adminCharger(charger)).online, { what: 'offline' });
  const offlineAt = now(); // a reading taken while offline, queued

  // the same station reconnects (no boot: it did not restart)
  const back = new Station(stack, charger);
  open.add(back);
  back.seqNos = st.seqNos;
  back.replies.GetTransactionStatus = { ongoingIndicator: true, messagesInQueue: true };
  await back.connect();
  back.startHeartbeat(5);
  assert.deepEqual(await back.nextCall('GetTransactionStatus'), { transactionId });
  // its queued event, offline: true
  const queued = await back.txEvent('Updated', {
    transactionId,
    triggerReason: 'MeterValuePeriodic',
    offline: true,
    wh: 40300,
    timestamp: offlineAt,
  });
  assert.deepEqual(queued, {});
  await back.status(1, 'Occupied');
  await waitLive(orderId, driver, 300);
  assert.equal((await getOrder(orderId, driver)).state, 'charging');
  const order = await appStop(back, driver, { orderId, transactionId, meterStop: 40450 });
  await assertExactBill(order, driver, { meterStart, meterStop: 40450 });
  await closeStation(back);
});

test('TC_E_53_CSMS seqNo 0 at the start of every transaction: two sessions from the app one after the other on one EVSE, both starting at seqNo 0, each billed exactly', async () => {
  const charger = await newCharger();
  const st = await bootedStation(charger);
  const driver = await newDriver(stack);
  const first = await appStart(st, driver, { meterStart: 6000, seqNo: 0 });
  const one = await appStop(st, driver, { ...first, meterStop: 6200 });
  await assertExactBill(one, driver, { meterStart: 6000, meterStop: 6200 });
  await st.status(1, 'Available');
  await waitConnector(charger, 'available');
  const second = await appStart(st, driver, { meterStart: 6200, seqNo: 0 });
  assert.notEqual(second.orderId, first.orderId);
  const two = await appStop(st, driver, { ...second, meterStop: 6500 });
  await assertExactBill(two, driver, { meterStart: 6200, meterStop: 6500, paidBefore: one.paid_fen });
  const startedSeqNos = st.frames
    .filter((f) => f.includes(' >> ') && f.includes('"TransactionEvent"') && f.includes('"Started"'))
    .map((f) => JSON.parse(f.split(' >> ')[1])[3].seqNo);
  assert.deepEqual(startedSeqNos, [0, 0]);
  await closeStation(st);
});

// ---------------------------------------------------------------------------------- F: remote control

test('TC_F_01_CSMS remote start with the cable plugged in first: the EV-connected transaction is answered with its transactionId to RequestStartTransaction, bound to the order by the next event (RemoteStart, remoteStartId), charged and billed exactly', async () => {
  const charger = await newCharger();
  const st = await bootedStation(charger);
  const driver = await newDriver(stack);
  const transactionId = await pluggedIn(st, charger, 7000);
  const { orderId, req } = await appOrder(st, driver, { answer: { status: 'Accepted', transactionId } });
  const remote = await st.txEvent('Updated', {
    transactionId,
    triggerReason: 'RemoteStart',
    remoteStartId: orderId,
    idToken: req.idToken,
    wh: 7005,
  });
  assert.deepEqual(remote, { idTokenInfo: { status: 'Accepted' } });
  await st.txEvent('Updated', { transactionId, triggerReason: 'ChargingStateChanged', chargingState: 'Charging' });
  await waitOrderState(orderId, driver, 'charging');
  await meter(st, driver, { orderId, transactionId, meterStart: 7005, wh: 7200 });
  const order = await appStop(st, driver, { orderId, transactionId, meterStop: 7300 });
  await assertExactBill(order, driver, { meterStart: 7005, meterStop: 7300 });
  await closeStation(st);
});

test('TC_F_02_CSMS remote start first, AuthorizeRemoteStart true: the station authorises the order token (Authorize Accepted) before Started; charged, stopped from the app, billed exactly', async () => {
  const charger = await newCharger();
  const st = await bootedStation(charger);
  const driver = await newDriver(stack);
  const tx = await appStart(st, driver, { meterStart: 8000, authorizeFirst: true });
  await meter(st, driver, { ...tx, meterStart: 8000, wh: 8100 });
  const order = await appStop(st, driver, { ...tx, meterStop: 8150 });
  await assertExactBill(order, driver, { meterStart: 8000, meterStop: 8150 });
  await closeStation(st);
});

test('TC_F_03_CSMS remote start first, AuthorizeRemoteStart false: RequestStartTransaction (evseId, remoteStartId, idToken Central), Started with the remoteStartId, live meter values; the driver stops: RequestStopTransaction, Ended Remote answered once stored; exact bill', async () => {
  const charger = await newCharger();
  const st = await bootedStation(charger);
  const driver = await newDriver(stack);
  const meterStart = 1234567;
  const tx = await appStart(st, driver, { meterStart });
  const live = await meter(st, driver, { ...tx, meterStart, wh: 1234987, powerW: 180000 });
  assert.equal(live.power_w, 180000);
  assert.ok(live.cost_fen > 0, 'a running cost');
  assert.equal((await adminCharger(charger)).connectors[0].status, 'charging');
  const order = await appStop(st, driver, { ...tx, meterStop: 1235210 });
  assert.equal(order.tx_id, `T-${tx.transactionId}`, "the order keeps the station's transaction by name");
  await assertExactBill(order, driver, { meterStart, meterStop: 1235210 });
  await st.status(1, 'Available');
  await waitConnector(charger, 'available');
  await closeStation(st);
});

test('TC_F_06_CSMS unlock connector without a transaction: UnlockConnector (evseId, connectorId 1) Unlocked is accepted; UnlockFailed is a refusal with its reason', async () => {
  const charger = await newCharger(2);
  const st = await bootedStation(charger);
  st.replies.UnlockConnector = { status: 'Unlocked' };
  const unlocked = await command(charger, { kind: 'unlock', connector: 2 });
  assert.deepEqual(await st.nextCall('UnlockConnector'), { evseId: 2, connectorId: 1 });
  assert.equal(unlocked.status, 'accepted');
  st.replies.UnlockConnector = { status: 'UnlockFailed' };
  const failed = await command(charger, { kind: 'unlock', connector: 1 });
  assert.deepEqual(await st.nextCall('UnlockConnector'), { evseId: 1, connectorId: 1 });
  assert.equal(failed.status, 'rejected');
  assert.equal(failed.reason, 'unlock_failed');
  await closeStation(st);
});

test('TC_F_20_CSMS trigger message Heartbeat: TriggerMessage (Heartbeat) Accepted, the station sends a Heartbeat and gets the time; a StatusNotification is triggered for an EVSE', async () => {
  const charger = await newCharger();
  const st = await bootedStation(charger);
  st.stopHeartbeat();
  st.replies.TriggerMessage = { status: 'Accepted' };
  const trig = await command(charger, { kind: 'trigger_message', message: 'heartbeat' });
  assert.deepEqual(await st.nextCall('TriggerMessage'), { requestedMessage: 'Heartbeat' });
  assert.equal(trig.status, 'accepted');
  const beat = await st.call('Heartbeat', {});
  assert.ok(Math.abs(Date.parse(beat.currentTime) - Date.now()) < 5000);
  const status = await command(charger, { kind: 'trigger_message', message: 'status', connector: 1 });
  assert.deepEqual(await st.nextCall('TriggerMessage'), { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } });
  assert.equal(status.status, 'accepted');
  assert.deepEqual(await st.status(1, 'Available'), {});
  await closeStation(st);
});

// ---------------------------------------------------------------------------------- G: availability

test('TC_G_03_CSMS change availability of an EVSE to Inoperative: ChangeAvailability (evse 1) Accepted, the station reports Unavailable, the app cannot start there; Operative again', async () => {
  const charger = await newCharger(2);
  const st = await bootedStation(charger);
  const driver = await newDriver(stack);
  st.replies.ChangeAvailability = { status: 'Accepted' };
  const done = await command(charger, { kind: 'change_availability', connector: 1, operative: false });
  assert.deepEqual(await st.nextCall('ChangeAvailability'), { operationalStatus: 'Inoperative', evse: { id: 1 } });
  assert.equal(done.status, 'accepted');
  await st.status(1, 'Unavailable');
  await waitConnector(charger, 'unavailable');
  await assert.rejects(stack.api('POST', '/orders', { charger_code: charger.code, connector: 1 }, driver.token), (e) => e.status === 409);
  const back = await command(charger, { kind: 'change_availability', connector: 1, operative: true });
  assert.deepEqual(await st.nextCall('ChangeAvailability'), { operationalStatus: 'Operative', evse: { id: 1 } });
  assert.equal(back.status, 'accepted');
  await st.status(1, 'Available');
  await waitConnector(charger, 'available');
  // the whole station: no evse
  const all = await command(charger, { kind: 'change_availability', connector: 0, operative: false });
  assert.deepEqual(await st.nextCall('ChangeAvailability'), { operationalStatus: 'Inoperative' });
  assert.equal(all.status, 'accepted');
  assert.equal(await wallet(driver), driver.topupFen);
  await closeStation(st);
});

test('TC_G_11_CSMS change availability of an EVSE during a transaction: Scheduled (accepted, reason scheduled), the session goes on and is billed exactly, then the EVSE reports Unavailable', async () => {
  const charger = await newCharger();
  const st = await bootedStation(charger);
  const driver = await newDriver(stack);
  const tx = await appStart(st, driver, { meterStart: 9000 });
  st.replies.ChangeAvailability = { status: 'Scheduled' };
  const done = await command(charger, { kind: 'change_availability', connector: 1, operative: false });
  assert.deepEqual(await st.nextCall('ChangeAvailability'), { operationalStatus: 'Inoperative', evse: { id: 1 } });
  assert.equal(done.status, 'accepted');
  assert.equal(done.reason, 'scheduled');
  await meter(st, driver, { ...tx, meterStart: 9000, wh: 9200 });
  assert.equal((await getOrder(tx.orderId, driver)).state, 'charging');
  const order = await appStop(st, driver, { ...tx, meterStop: 9250 });
  await assertExactBill(order, driver, { meterStart: 9000, meterStop: 9250 });
  await st.status(1, 'Unavailable');
  await waitConnector(charger, 'unavailable');
  await closeStation(st);
});

// ---------------------------------------------------------------------------------- J: meter values

test("TC_J_02_CSMS clock-aligned meter values during a transaction: MeterValues (Sample.Clock) of the EVSE and of EVSE 0 are answered, the EVSE's count for the session, as do TransactionEvents MeterValueClock; exact bill", async () => {
  const charger = await newCharger();
  const st = await bootedStation(charger);
  const driver = await newDriver(stack);
  const tx = await appStart(st, driver, { meterStart: 10000 });
  assert.deepEqual(
    await st.call('MeterValues', { evseId: 1, meterValue: [meterValue201(10100, { powerW: 60000, context: 'Sample.Clock' })] }),
    {},
  );
  assert.deepEqual(await st.call('MeterValues', { evseId: 0, meterValue: [meterValue201(99999000, { context: 'Sample.Clock' })] }), {});
  const live = await waitLive(tx.orderId, driver, 100);
  assert.equal(live.power_w, 60000);
  assert.deepEqual(
    await st.txEvent('Updated', { transactionId: tx.transactionId, triggerReason: 'MeterValueClock', context: 'Sample.Clock', wh: 10250 }),
    {},
  );
  await waitLive(tx.orderId, driver, 250);
  const order = await appStop(st, driver, { ...tx, meterStop: 10300 });
  await assertExactBill(order, driver, { meterStart: 10000, meterStop: 10300 });
  await closeStation(st);
});

test('TC_J_07_CSMS sampled meter values in the Started event (Transaction.Begin, EVSE known; Wh with a multiplier): the order starts at that reading; exact bill', async () => {
  const charger = await newCharger();
  const st = await bootedStation(charger);
  const driver = await newDriver(stack);
  const { orderId, req } = await appOrder(st, driver);
  const transactionId = newTxId(st);
  const begin = meterValue201(2345678, { multiplier: 3, context: 'Transaction.Begin', powerW: 0 });
  assert.equal(begin.sampledValue[0].value, 2345.678);
  const started = await st.txEvent('Started', {
    transactionId,
    triggerReason: 'RemoteStart',
    remoteStartId: orderId,
    idToken: req.idToken,
    chargingState: 'Charging',
    meterValue: [begin],
  });
  assert.deepEqual(started, { idTokenInfo: { status: 'Accepted' } });
  const running = await waitOrderState(orderId, driver, 'charging');
  assert.equal(running.meter_start_wh, 2345678);
  const order = await appStop(st, driver, { orderId, transactionId, meterStop: 2345999 });
  await assertExactBill(order, driver, { meterStart: 2345678, meterStop: 2345999 });
  await closeStation(st);
});

// ---------------------------------------------------------------------------------- P: data transfer

test('TC_P_02_CSMS DataTransfer with a vendorId Kilowatt does not know is answered UnknownVendorId', async () => {
  const charger = await newCharger();
  const st = await bootedStation(charger);
  assert.deepEqual(await st.call('DataTransfer', { vendorId: 'com.example.e2e', messageId: 'Ping', data: { n: 1 } }), {
    status: 'UnknownVendorId',
  });
  await closeStation(st);
});

// ---------------------------------------------------------------------------------- beyond OCTT

test('seqNo: an event sent again with the same seqNo is answered and applied once; a gap raises the warning alarm TxSeqNoGap in the admin alarms; the session is billed once, exactly', async () => {
  const charger = await newCharger();
  const st = await bootedStation(charger);
  const driver = await newDriver(stack);
  const meterStart = 11000;
  const tx = await appStart(st, driver, { meterStart }); // seqNo 0 and 1
  await meter(st, driver, { ...tx, meterStart, wh: 11300 }); // seqNo 2
  // seqNo 2 again (its answer was lost) with a higher reading: answered, not applied
  assert.deepEqual(
    await st.txEvent('Updated', { transactionId: tx.transactionId, seqNo: 2, triggerReason: 'MeterValuePeriodic', wh: 11500 }),
    {},
  );
  await waitFor(() => edgeEvents('ocpp_tx_duplicate', charger.code).length === 1, { what: 'event=ocpp_tx_duplicate' });
  await st.call('Heartbeat', {});
  assert.equal((await getOrder(tx.orderId, driver)).live.energy_wh, 300, 'the repeated event changed nothing');
  // seqNo 5 after 2: 3 and 4 are missing
  assert.deepEqual(
    await st.txEvent('Updated', { transactionId: tx.transactionId, seqNo: 5, triggerReason: 'MeterValuePeriodic', wh: 11400 }),
    {},
  );
  const alarm = await waitFor(
    async () => {
      const page = await stack.api('GET', `/admin/alarms?charger_id=${charger.id}`, undefined, adminToken);
      return page.items.find((a) => a.code === 'TxSeqNoGap');
    },
    { what: 'the TxSeqNoGap alarm' },
  );
  assert.equal(alarm.severity, 'warning');
  assert.equal(alarm.charger_code, charger.code);
  assert.equal(alarm.connector_no, 1);
  assert.match(alarm.message, new RegExp(`transaction ${tx.transactionId}: seqNo 3 to 4 missing`));
  await waitLive(tx.orderId, driver, 400);
  const stop = await stack.api('POST', `/orders/${tx.orderId}/stop`, undefined, driver.token);
  assert.equal(stop.state, 'stopping');
  await st.nextCall('RequestStopTransaction');
  const ended = { transactionId: tx.transactionId, seqNo: 6, triggerReason: 'RemoteStop', stoppedReason: 'Remote', wh: 11450 };
  assert.deepEqual(await st.txEvent('Ended', ended), {});
  const first = await waitOrderState(tx.orderId, driver, 'settled');
  // the Ended again: answered at once, billed once
  assert.deepEqual(await st.txEvent('Ended', ended), {});
  await st.call('Heartbeat', {});
  assert.deepEqual(await getOrder(tx.orderId, driver), first);
  await assertExactBill(first, driver, { meterStart, meterStop: 11450 });
  await closeStation(st);
});

test('an offline card transaction (Started, Updated, Ended with offline: true, sent back-dated after reconnecting) is billed on the card holder by its own times', async () => {
  const charger = await newCharger();
  const st = await bootedStation(charger);
  const driver = await newDriver(stack);
  const card = await issueCard(driver);
  const startedAt = new Date(Date.now() - 20 * 60_000).toISOString();
  const meteredAt = new Date(Date.now() - 15 * 60_000).toISOString();
  const stoppedAt = new Date(Date.now() - 10 * 60_000).toISOString();
  const transactionId = newTxId(st);
  const started = await st.txEvent('Started', {
    transactionId,
    triggerReason: 'Authorized',
    idToken: rfid(card.uid),
    chargingState: 'Charging',
    offline: true,
    wh: 50000,
    timestamp: startedAt,
  });
  assert.deepEqual(cardAnswer(started), { idTokenInfo: { status: 'Accepted' } });
  assert.deepEqual(
    await st.txEvent('Updated', { transactionId, triggerReason: 'MeterValuePeriodic', offline: true, wh: 50300, timestamp: meteredAt }),
    {},
  );
  const ended = await st.txEvent('Ended', {
    transactionId,
    triggerReason: 'EVCommunicationLost',
    stoppedReason: 'EVDisconnected',
    offline: true,
    wh: 50500,
    timestamp: stoppedAt,
  });
  assert.deepEqual(ended, {});
  const [listed] = (await stack.api('GET', '/orders', undefined, driver.token)).items;
  const order = await waitOrderState(listed.id, driver, 'settled');
  assert.equal(Date.parse(order.started_at), Date.parse(startedAt));
  assert.equal(Date.parse(order.stopped_at), Date.parse(stoppedAt));
  await assertExactBill(order, driver, { meterStart: 50000, meterStop: 50500 });
  await closeStation(st);
});

test('invalid CALLs get the OCPP 2.0.1 error names: a missing field OccurrenceConstraintViolation, a payload that is not an object FormatViolation, an unknown action NotImplemented', async () => {
  const charger = await newCharger();
  const st = new Station(stack, charger, { strict: false });
  open.add(st);
  await st.connect();
  await assert.rejects(st.call('BootNotification', { reason: 'PowerUp' }), (e) => e.rpcErrorCode === 'OccurrenceConstraintViolation');
  await closeStation(st);

  const { ws, frames } = await rawConnection(stack, charger, 'ocpp2.0.1');
  assert.equal(ws.protocol, 'ocpp2.0.1');
  ws.send(JSON.stringify([2, 'raw-1', 'BootNotification', { reason: 'PowerUp' }]));
  ws.send(JSON.stringify([2, 'raw-2', 'Heartbeat', 'not an object']));
  ws.send(JSON.stringify([2, 'raw-3', 'FlyToTheMoon', {}]));
  await waitFor(() => frames.length >= 3, { what: `three answers, got ${JSON.stringify(frames)}` });
  const byId = Object.fromEntries(frames.map((f) => [f[1], f]));
  assert.deepEqual(
    ['raw-1', 'raw-2', 'raw-3'].map((id) => [byId[id][0], byId[id][2], typeof byId[id][3], byId[id][4]]),
    [
      [4, 'OccurrenceConstraintViolation', 'string', {}],
      [4, 'FormatViolation', 'string', {}],
      [4, 'NotImplemented', 'string', {}],
    ],
  );
  ws.close();
});
