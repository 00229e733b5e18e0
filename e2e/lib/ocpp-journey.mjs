// What the OCPP journeys (ocpp16, ocpp201, sim-ocpp201) do the same way on their stack, whichever
// version their charge points speak: the stack with a demo station, fresh chargers, orders, the
// exact bill, the operator's commands, cards, the edge's log.
//
// These helpers need the file's stack, admin token and demo station, so they are made by a small
// factory, ocppJourney(), which holds what its start() made; what differs by version is its argument.
//
//   const kw = ocppJourney({ protocol: 'ocpp1.6', codePrefix: 'OCPP16' });
//   const { newCharger, waitOrderState, assertExactBill } = kw;
//   before(async () => ({ stack, adminToken, station } = await kw.start({ ocppArgs: [...] })));
//   after(() => kw.stop());                   closes what is still in kw.open, then stops the stack
import assert from 'node:assert/strict';
import { createOcppCharger, fee, kindAt } from './ocpp.mjs';
import { startStack, waitFor } from './stack.mjs';

/** protocol: the chargers' ('ocpp1.6', 'ocpp2.0.1'); codePrefix: their codes' (`<prefix>-<n>`). */
export function ocppJourney({ protocol, codePrefix }) {
  let stack;
  let adminToken;
  let station; // a demo station with its tariff (GET /stations/{id})
  const open = new Set(); // charge points still connected, closed by stop()
  let chargerCount = 0;
  let cardCount = 0;

  /** The stack (demo data, no simulator, kilowatt-ocpp; `options` go to startStack). -> { stack, adminToken, station } */
  async function start(options = {}) {
    stack = await startStack({ demo: true, sim: false, ocpp: true, ...options });
    adminToken = await stack.staffToken('admin');
    const stations = await stack.api('GET', '/stations', undefined, adminToken);
    for (const s of stations.items) {
      const detail = await stack.api('GET', `/stations/${s.id}`, undefined, adminToken);
      if (detail.tariff) {
        station = detail;
        break;
      }
    }
    assert.ok(station, 'a demo station with a tariff');
    return { stack, adminToken, station };
  }

  async function stop() {
    try {
      for (const cp of open) await cp.close({ force: true }).catch(() => {});
    } finally {
      await stack?.stop();
    }
  }

  /** Closes a charge point (options: as ChargePoint.close) that stop() then leaves alone. */
  async function close(cp, options) {
    open.delete(cp);
    await cp.close(options);
  }

  /** A charger code not used yet in this stack: `<prefix>-<n>`. */
  const newCode = (prefix = codePrefix) => `${prefix}-${(chargerCount += 1)}`;

  /**
   * A new charger on the demo station, unique to the calling test. A 360 kW DC one: the core bills no
   * reading that rises faster than the connector's max_w allows (intervals under 10 s count as 10 s),
   * so a session of a few seconds may bill up to ~1.1 kWh here; the sessions stay under that.
   */
  const newCharger = (connectors = 1) =>
    createOcppCharger(stack, adminToken, { code: newCode(), stationId: station.id, connectors, kind: 'DC', ratedW: 360000, protocol });

  const adminCharger = (charger) => stack.api('GET', `/admin/chargers/${charger.id}`, undefined, adminToken);
  const getOrder = (id, driver) => stack.api('GET', `/orders/${id}`, undefined, driver.token);
  const wallet = async (driver) => (await stack.api('GET', '/wallet', undefined, driver.token)).balance_fen;

  function waitOrderState(id, driver, state, timeoutMs = 15000) {
    return waitFor(
      async () => {
        const order = await getOrder(id, driver);
        return order.state === state ? order : null;
      },
      { timeoutMs, what: `order ${id} ${state}` },
    );
  }

  /** Until the order's live energy is `energyWh` -> its live figures. */
  function waitLive(orderId, driver, energyWh) {
    return waitFor(
      async () => {
        const live = (await getOrder(orderId, driver)).live;
        return live && live.energy_wh === energyWh ? live : null;
      },
      { what: `order ${orderId} live energy ${energyWh} Wh` },
    );
  }

  /** Until the console shows the charger online with every connector available -> the charger. */
  function waitOnline(charger, { timeoutMs } = {}) {
    return waitFor(
      async () => {
        const c = await adminCharger(charger);
        return c.online && c.connectors.every((x) => x.status === 'available') ? c : null;
      },
      { timeoutMs, what: `${charger.code} online with its connectors available` },
    );
  }

  function waitConnector(charger, status, n = 1) {
    return waitFor(async () => (await adminCharger(charger)).connectors[n - 1].status === status, {
      what: `${charger.code} connector ${n} ${status}`,
    });
  }

  /**
   * The settled order's bill is the station's tariff on exactly meterStop - meterStart: every segment
   * at the price of the period it lies in, fees rounded half up; the wallet paid it once (`paidBefore`:
   * what the driver's earlier orders of the test paid).
   */
  async function assertExactBill(order, driver, { meterStart, meterStop, paidBefore = 0 }) {
    assert.equal(order.state, 'settled');
    assert.equal(order.meter_start_wh, meterStart);
    assert.equal(order.energy_wh, meterStop - meterStart);
    assert.deepEqual(order.tariff, { prices: station.tariff.prices, periods: station.tariff.periods });
    assert.equal(order.timezone, station.timezone);
    assert.ok(order.segments.length >= 1);
    let energy = 0;
    let electricity = 0;
    let service = 0;
    for (const s of order.segments) {
      assert.equal(s.kind, kindAt(station.tariff.periods, station.timezone, s.start), `the period kind at ${s.start}`);
      const price = station.tariff.prices[s.kind];
      assert.equal(s.electricity_fen, fee(s.energy_wh, price.electricity), `electricity of ${s.kind}`);
      assert.equal(s.service_fen, fee(s.energy_wh, price.service), `service of ${s.kind}`);
      energy += s.energy_wh;
      electricity += s.electricity_fen;
      service += s.service_fen;
    }
    assert.equal(energy, order.energy_wh);
    assert.equal(order.electricity_fen, electricity);
    assert.equal(order.service_fen, service);
    assert.equal(order.total_fen, electricity + service);
    assert.ok(order.total_fen > 0);
    assert.equal(order.paid_fen, order.total_fen);
    assert.equal(await wallet(driver), driver.topupFen - paidBefore - order.paid_fen, 'the wallet paid the bill once');
    const ledger = await stack.api('GET', '/wallet/ledger?page_size=100', undefined, driver.token);
    const charges = ledger.items.filter((e) => e.reason === 'charge' && e.order_id === order.id);
    assert.deepEqual(
      charges.map((e) => e.delta_fen),
      [-order.paid_fen],
      'one charge in the ledger',
    );
  }

  /** The edge's log lines with the fields event=<name> and code=<code>. */
  const edgeEvents = (name, code) =>
    stack.ocpp
      .log()
      .split('\n')
      .filter((l) => {
        const fields = l.split(' ');
        return fields.includes(`event=${name}`) && fields.includes(`code=${code}`);
      });

  /** POST /admin/chargers/{id}/commands, then the command once answered (or timed out). */
  async function command(charger, body) {
    const sent = await stack.api('POST', `/admin/chargers/${charger.id}/commands`, body, adminToken);
    assert.equal(sent.status, 'sent');
    assert.equal(sent.kind, body.kind);
    return waitFor(
      async () => {
        const c = await stack.api('GET', `/admin/chargers/${charger.id}/commands/${sent.id}`, undefined, adminToken);
        return c.status === 'sent' ? null : c;
      },
      { timeoutMs: 15000, what: `the answer to ${body.kind}` },
    );
  }

  /** A card issued through the admin API to the driver (uid given in lower case: kept in upper case). */
  async function issueCard(driver, fields = {}) {
    cardCount += 1;
    const me = await stack.api('GET', '/me', undefined, driver.token);
    const uid = `e2e${process.pid % 10000}c${cardCount}`;
    const card = await stack.api('POST', `/admin/drivers/${me.id}/cards`, { uid, label: 'E2E card', ...fields }, adminToken);
    assert.equal(card.uid, uid.toUpperCase());
    return card;
  }

  return {
    open,
    start,
    stop,
    close,
    newCode,
    newCharger,
    adminCharger,
    getOrder,
    wallet,
    waitOrderState,
    waitLive,
    waitOnline,
    waitConnector,
    assertExactBill,
    edgeEvents,
    command,
    issueCard,
  };
}
