// Journey: kilowatt-sim as an OCPP 2.0.1 charging station (`--protocol ocpp2.0.1`, sim/README.md
// "OCPP 2.0.1") against the real stack through kilowatt-ocpp: it boots Accepted and is online in
// the console; a driver's app start and stop (RequestStart/StopTransaction, TransactionEvent Started /
// Updated / Ended) bills the session from the simulator's own energy register; and the offline queue:
// the link is cut mid-session, the session stops at the charger while offline, and after the
// reconnect the queued TransactionEvents (offline: true, seqNo order) settle the order with the
// queued Ended's register. The edge validates every frame against the 2.0.1 schemas: any
// `event=ocpp_call_refused` of the simulated station fails the test. One stack, one charger per test.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { newDriver } from './lib/ocpp.mjs';
import { ocppJourney } from './lib/ocpp-journey.mjs';
import { waitFor } from './lib/stack.mjs';

// the helpers on this file's stack (lib/ocpp-journey.mjs: made by a factory that holds the stack)
const kw = ocppJourney({ protocol: 'ocpp2.0.1', codePrefix: 'SIM201' });
const { newCharger, adminCharger, getOrder, waitOrderState, waitOnline, edgeEvents, command } = kw;

let stack;

before(async () => {
  ({ stack } = await kw.start());
});

after(() => kw.stop());

/**
 * A new 2.0.1 charger (360 kW DC, one EVSE: the core bills no reading that rises faster than
 * max_w allows, and the simulator draws at most rated_w) and a simulator playing it.
 */
async function simulatedStation() {
  const charger = await newCharger();
  const sim = await stack.startSim(
    [{ code: charger.code, password: charger.password, kind: 'DC', connectors: 1, rated_w: 360000 }],
    ['--protocol', 'ocpp2.0.1', '--ocpp-url', stack.ocppUrl],
  );
  await waitOnline(charger, { timeoutMs: 20000 });
  return { charger, sim };
}

const simStatus = async (sim, code) => (await sim.control(`status ${code}`)).charger;

/** No frame of the station was refused by the edge's 2.0.1 schema check. */
function assertNoRefusedCalls(code) {
  assert.deepEqual(edgeEvents('ocpp_call_refused', code), [], "the edge refused none of the station's CALLs");
}

/** The app starts a session; the simulated station charges (TransactionEvent Started, remoteStartId = order). */
async function appStart(charger, sim, driver) {
  const order = await stack.api('POST', '/orders', { charger_code: charger.code, connector: 1 }, driver.token);
  assert.equal(order.state, 'starting');
  await waitOrderState(order.id, driver, 'charging', 20000);
  const status = await simStatus(sim, charger.code);
  const con = status.connectors[0];
  assert.equal(con.order_id, order.id);
  assert.equal(con.id_tag, `KW-O${order.id}`);
  assert.match(con.transaction_id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(con.ocpp_status, 'Occupied');
  return order;
}

test('a simulated 2.0.1 station boots Accepted (subprotocol ocpp2.0.1) and is online in the console', async () => {
  const { charger, sim } = await simulatedStation();
  const status = await simStatus(sim, charger.code);
  assert.equal(status.protocol, 'ocpp2.0.1');
  assert.equal(status.booted, true);
  assert.equal(status.online, true);
  assert.equal(status.connectors[0].ocpp_status, 'Available');
  const log = fs.readFileSync(sim.logFile, 'utf8');
  assert.match(log, new RegExp(`event=charger_connected code=${charger.code} protocol=ocpp2\\.0\\.1`));
  assert.match(log, new RegExp(`event=boot_accepted code=${charger.code} `));
  assert.ok(edgeEvents('ocpp_boot', charger.code).length >= 1, 'the edge saw the BootNotification');
  // the operator's meter interval reached the station as SetVariables SampledDataCtrlr/TxUpdatedInterval
  await waitFor(() => /event=set_variable .*TxUpdatedInterval.*"Accepted"/.test(fs.readFileSync(sim.logFile, 'utf8')), {
    what: 'SetVariables TxUpdatedInterval accepted',
  });
  assertNoRefusedCalls(charger.code);
  await sim.stop();
});

test("the console reads a simulated 2.0.1 station's device model (GetBaseReport in two NotifyReport parts, GetVariables) and sets a variable", async () => {
  const { charger, sim } = await simulatedStation();
  const all = await command(charger, { kind: 'get_configuration' });
  assert.equal(all.status, 'accepted');
  const byKey = Object.fromEntries(all.result.configuration.map((c) => [c.key, c]));
  assert.deepEqual(byKey['OCPPCommCtrlr/HeartbeatInterval'].readonly, false);
  assert.equal(byKey['SampledDataCtrlr/TxUpdatedInterval'].value, '10', "the operator's meter interval");
  assert.equal(byKey['EVSE@1/AvailabilityState'].value, 'Available');
  assert.equal(byKey['Connector@1.1/ConnectorType'].readonly, true);
  const set = await command(charger, { kind: 'set_configuration', key: 'OCPPCommCtrlr/HeartbeatInterval', value: '45' });
  assert.equal(set.status, 'accepted');
  const named = await command(charger, {
    kind: 'get_configuration',
    keys: ['OCPPCommCtrlr/HeartbeatInterval', 'NoSuchCtrlr/X'],
  });
  assert.deepEqual(named.result, {
    configuration: [{ key: 'OCPPCommCtrlr/HeartbeatInterval', readonly: false, value: '45' }],
    unknown_keys: ['NoSuchCtrlr/X'],
  });
  assert.equal((await simStatus(sim, charger.code)).heartbeat_s, 45);
  const readonly = await command(charger, { kind: 'set_configuration', key: 'Connector@1.1/ConnectorType', value: 'cType2' });
  assert.equal(readonly.status, 'rejected');
  assertNoRefusedCalls(charger.code);
  await sim.stop();
});

test("a driver's app start and stop on a simulated 2.0.1 station settles the order with the station's register", async () => {
  const { charger, sim } = await simulatedStation();
  const driver = await newDriver(stack);
  const order = await appStart(charger, sim, driver);
  await new Promise((r) => setTimeout(r, 3000)); // some energy
  const stopping = await stack.api('POST', `/orders/${order.id}/stop`, undefined, driver.token);
  assert.equal(stopping.state, 'stopping');
  const settled = await waitOrderState(order.id, driver, 'settled', 20000);
  // the edge answers the Ended once the core has stored it: the station's queue drains right after
  const after = await waitFor(
    async () => {
      const s = await simStatus(sim, charger.code);
      return s.unacked === 0 ? s : null;
    },
    { what: 'every TransactionEvent answered' },
  );
  assert.equal(after.connectors[0].transaction_id, null, 'the transaction ended at the station');
  assert.ok(settled.energy_wh > 0, `energy ${settled.energy_wh} Wh`);
  // the Ended event's Transaction.End register is the station's register now (nothing charges after)
  assert.equal(settled.meter_start_wh + settled.energy_wh, after.connectors[0].energy_wh);
  assert.ok(settled.total_fen > 0);
  assert.equal(settled.paid_fen, settled.total_fen);
  assert.equal(settled.stop_reason, 'driver');
  assertNoRefusedCalls(charger.code);
  await sim.stop();
});

test('offline queue: a session stopped at the station while its link is down is replayed after the reconnect (offline, seqNo order) and billed from the queued Ended', async () => {
  const { charger, sim } = await simulatedStation();
  const driver = await newDriver(stack);
  // Updated events every 2 s (SetVariables through the console), so some are queued while offline
  const set = await command(charger, { kind: 'set_configuration', key: 'SampledDataCtrlr/TxUpdatedInterval', value: '2' });
  assert.equal(set.status, 'accepted');
  const order = await appStart(charger, sim, driver);
  await new Promise((r) => setTimeout(r, 2000));

  assert.deepEqual(await sim.control(`kill ${charger.code}`), { ok: true });
  await waitFor(async () => !(await adminCharger(charger)).online, { timeoutMs: 10000, what: 'offline in the console' });
  await new Promise((r) => setTimeout(r, 4500)); // Updated events queue up
  assert.equal((await sim.control(`stop-local ${charger.code} 1`)).ok, true);
  const stoppedAt = Date.now();
  const queued = await simStatus(sim, charger.code);
  const registerAtStop = queued.connectors[0].energy_wh;
  assert.ok(queued.unacked >= 2, `Updated and Ended queued: ${queued.unacked}`);
  assert.equal((await getOrder(order.id, driver)).state, 'charging', 'the core has not heard of the stop yet');
  await new Promise((r) => setTimeout(r, 1500));

  assert.deepEqual(await sim.control(`reconnect ${charger.code}`), { ok: true });
  const settled = await waitOrderState(order.id, driver, 'settled', 30000);
  assert.equal(settled.meter_start_wh + settled.energy_wh, registerAtStop, "the bill is the queued Ended's register");
  assert.ok(settled.energy_wh > 0);
  assert.equal(settled.paid_fen, settled.total_fen);
  // back-dated to the stop at the station, not the reconnect
  assert.ok(Date.parse(settled.stopped_at) <= stoppedAt + 1000, `stopped_at ${settled.stopped_at}`);
  await waitFor(async () => (await simStatus(sim, charger.code)).unacked === 0, { what: 'the queue drained' });
  // the events made while offline were marked so: Updated ones, then the Ended, seqNo rising by one
  const offline = fs
    .readFileSync(sim.logFile, 'utf8')
    .split('\n')
    .filter((l) => l.includes(`event=tx_event_offline code=${charger.code} `))
    .map((l) => ({ type: /type=(\w+)/.exec(l)[1], seq: Number(/seq_no=(\d+)/.exec(l)[1]) }));
  assert.ok(offline.length >= 2, JSON.stringify(offline));
  assert.equal(offline.at(-1).type, 'Ended');
  assert.ok(
    offline.slice(0, -1).every((e) => e.type === 'Updated'),
    JSON.stringify(offline),
  );
  offline.forEach((e, i) => i > 0 && assert.equal(e.seq, offline[i - 1].seq + 1));
  // the edge applied them in order, each once: no gap, no duplicate
  assert.deepEqual(edgeEvents('ocpp_seqno_gap', charger.code), [], 'no seqNo gap');
  assert.deepEqual(edgeEvents('ocpp_tx_duplicate', charger.code), [], 'no event applied twice');
  assertNoRefusedCalls(charger.code);
  await sim.stop();
});
