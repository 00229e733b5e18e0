// OCPP 1.6J charge points for the journeys that drive kilowatt-ocpp (startStack({ ocpp: true })),
// played by an independent implementation: the npm package ocpp-rpc (RPCClient, strict schema
// validation of every CALL and answer both ways), installed in web/node_modules like playwright-core.
//
//   const charger = await createOcppCharger(stack, adminToken, { code: 'OCPP-1', stationId })   (protocol 'ocpp1.6')
//   const cp = new ChargePoint(stack, charger);    await cp.connect();   await cp.boot();
//   await cp.call('StatusNotification', {...})    an answer, or throws the edge's CALLERROR (RPCError)
//   const params = await cp.nextCall('RemoteStartTransaction')   what the edge asked (answered Accepted)
//   await cp.close()                               the transcript goes to e2e/output/ocpp/<code>[-n].log
//
// Every frame both ways is kept (cp.frames); a wait that times out shows the last of them.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { outputDir, repoRoot, waitFor } from './stack.mjs';

const requireWeb = createRequire(path.join(repoRoot, 'web', 'package.json'));

/** ocpp-rpc from web/node_modules (one npm install for the whole repo). */
export function loadOcppRpc() {
  try {
    return requireWeb('ocpp-rpc');
  } catch {
    throw new Error('ocpp-rpc not installed: run `npm ci --prefix web`');
  }
}

/** The `ws` package ocpp-rpc is built on, for frames an OCPP library would refuse to send. */
export function loadWs() {
  return createRequire(requireWeb.resolve('ocpp-rpc'))('ws');
}

export const now = () => new Date().toISOString();
export const basicAuth = (code, password) => `Basic ${Buffer.from(`${code}:${password}`).toString('base64')}`;

/**
 * A raw `ws` connection as the charger (its HTTP Basic login) offering `protocol`, once open, for
 * frames an OCPP library would refuse to send. -> { ws, frames: every message from the edge, parsed }
 */
export async function rawConnection(stack, charger, protocol) {
  const WebSocket = loadWs();
  const ws = new WebSocket(`${stack.ocppUrl}/${charger.code}`, [protocol], {
    headers: { authorization: basicAuth(charger.code, charger.password) },
  });
  const frames = [];
  ws.on('message', (m) => frames.push(JSON.parse(String(m))));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return { ws, frames };
}

/**
 * A new OCPP charger (protocol 'ocpp1.6' or 'ocpp2.0.1') on a station through the admin API; the
 * answer's one-time `ocpp` login is the charge point's HTTP Basic user and password.
 * -> { id, code, password, connectors }
 */
export async function createOcppCharger(
  stack,
  adminToken,
  { code, stationId, connectors = 1, kind = 'AC', ratedW = 7000, protocol = 'ocpp1.6' },
) {
  const created = await stack.api(
    'POST',
    '/admin/chargers',
    { code, station_id: stationId, name: `OCPP ${code}`, kind, rated_w: ratedW, connectors, protocol },
    adminToken,
  );
  if (created.protocol !== protocol || created.ocpp?.path !== `/ocpp/${code}` || created.ocpp?.username !== code)
    throw new Error(`the new charger's OCPP login is not given: ${JSON.stringify(created)}`);
  return { id: created.id, code, password: created.ocpp.password, connectors };
}

let driverCount = 0;

/** A new driver (SMS registration) with a paid sandbox top-up. -> { token, phone, topupFen } */
export async function newDriver(stack, topupFen = 10000) {
  driverCount += 1;
  const phone = `1360${String(process.pid % 1000).padStart(3, '0')}${String(driverCount).padStart(4, '0')}`;
  const { token } = await stack.registerDriver(phone, 'Drive1234');
  const topup = await stack.api('POST', '/wallet/topups', { amount_fen: topupFen }, token);
  if (topup.state !== 'paid') {
    await stack.api('POST', `/wallet/topups/${topup.id}/sandbox-pay`, { sign: topup.client_params.sign }, token);
  }
  return { token, phone, topupFen };
}

const transcripts = new Map(); // charger code -> transcripts written

export class ChargePoint {
  /**
   * options: strict (true) ocpp-rpc's schema validation; protocols (['ocpp1.6']); password
   * (default the charger's); wsOpts (for the `ws` client: { ca } to trust a wss:// edge's
   * certificate); the edge's CALLs are answered from `replies` (by action: a payload, or a function
   * of the params), anything else NotImplemented.
   */
  constructor(stack, charger, { strict = true, protocols = ['ocpp1.6'], password = charger.password, wsOpts = {} } = {}) {
    const { RPCClient, createRPCError } = loadOcppRpc();
    this.code = charger.code;
    this.frames = [];
    this.calls = []; // CALLs from the edge: { action, params, taken }
    this.replies = {
      RemoteStartTransaction: { status: 'Accepted' },
      RemoteStopTransaction: { status: 'Accepted' },
    };
    this.heartbeat = null;
    this.client = new RPCClient({
      endpoint: stack.ocppUrl,
      identity: charger.code,
      password,
      protocols,
      strictMode: strict,
      reconnect: false,
      callTimeoutMs: 20000,
      wsOpts,
    });
    this.client.on('message', ({ message, outbound }) => this.frames.push(`${now()} ${outbound ? '>>' : '<<'} ${String(message)}`));
    this.client.on('strictValidationFailure', (e) =>
      this.frames.push(`${now()} !! schema: ${e.outbound ? 'ours' : "the edge's"} ${e.method}: ${e.error?.message}`),
    );
    this.client.on('disconnect', ({ code, reason }) => this.frames.push(`${now()} -- disconnected ${code} ${reason}`));
    this.client.handle(({ method, params }) => {
      this.calls.push({ action: method, params, taken: false });
      const reply = this.replies[method];
      if (reply === undefined) throw createRPCError('NotImplemented', `${method}: not handled by this charge point`);
      return typeof reply === 'function' ? reply(params) : reply;
    });
  }

  connect() {
    return this.client.connect();
  }

  call(action, params) {
    return this.client.call(action, params);
  }

  /** BootNotification; when Accepted, a Heartbeat every `interval` seconds from then on. */
  async boot(fields = {}) {
    const conf = await this.call('BootNotification', {
      chargePointVendor: 'E2E Vendor',
      chargePointModel: 'OCPP16-AC',
      firmwareVersion: '1.6.0-e2e',
      chargePointSerialNumber: `SN-${this.code}`,
      ...fields,
    });
    if (conf.status === 'Accepted') this.startHeartbeat(conf.interval);
    return conf;
  }

  startHeartbeat(intervalS) {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => this.call('Heartbeat', {}).catch(() => {}), intervalS * 1000);
    this.heartbeat.unref();
  }

  stopHeartbeat() {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  status(connectorId, status, errorCode = 'NoError') {
    return this.call('StatusNotification', { connectorId, errorCode, status, timestamp: now() });
  }

  /** The next CALL of `action` the edge sent (already answered from `replies`) -> its params. */
  nextCall(action, timeoutMs = 15000) {
    return waitFor(
      () => {
        const c = this.calls.find((x) => !x.taken && x.action === action);
        if (!c) return null;
        c.taken = true;
        return c;
      },
      { timeoutMs, intervalMs: 50, what: `${action} from the edge to ${this.code}; frames:\n${this.tail()}` },
    ).then((c) => c.params);
  }

  /** Whether the edge sent a CALL of `action` not taken by nextCall yet. */
  hasCall(action) {
    return this.calls.some((x) => !x.taken && x.action === action);
  }

  tail(n = 12) {
    return this.frames.slice(-n).join('\n');
  }

  /** Closes the connection (force: the TCP connection is dropped, no close frame) and saves the transcript. */
  async close({ force = false } = {}) {
    this.stopHeartbeat();
    try {
      await this.client.close({ force, code: 1000 });
    } finally {
      const dir = path.join(outputDir, 'ocpp');
      fs.mkdirSync(dir, { recursive: true });
      const n = (transcripts.get(this.code) ?? 0) + 1; // a charger's later connections get -2, -3 ...
      transcripts.set(this.code, n);
      fs.writeFileSync(path.join(dir, `${this.code}${n > 1 ? `-${n}` : ''}.log`), `${this.frames.join('\n')}\n`);
    }
  }
}

/** One MeterValue: the energy register in kWh (as many meters send it) or Wh, the power in W. */
export function meterValue(wh, powerW, { unit = 'kWh', timestamp = now() } = {}) {
  const energy = unit === 'kWh' ? (wh / 1000).toFixed(3) : String(wh);
  return {
    timestamp,
    sampledValue: [
      { value: energy, measurand: 'Energy.Active.Import.Register', unit, context: 'Sample.Periodic' },
      { value: String(powerW), measurand: 'Power.Active.Import', unit: 'W', context: 'Sample.Periodic' },
      { value: '230.0', measurand: 'Voltage', unit: 'V', phase: 'L1-N', context: 'Sample.Periodic' },
    ],
  };
}

// The server's fee rule (server/src/domain/README.md): Wh * price / 100000 fen, rounded half up.
export const fee = (wh, price) => Math.floor((wh * price + 50000) / 100000);

/** The tariff period kind in force at `iso` in the station's zone (periods: [[HH:MM, HH:MM, kind]]). */
export function kindAt(periods, timezone, iso) {
  const hhmm = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    new Date(iso),
  );
  const period = periods.find(([from, to]) => from <= hhmm && hhmm < to);
  if (!period) throw new Error(`no tariff period at ${hhmm} (${timezone}) in ${JSON.stringify(periods)}`);
  return period[2];
}
