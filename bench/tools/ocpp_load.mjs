#!/usr/bin/env node
// ocpp_load.mjs: N OCPP 1.6J charge points against kilowatt-ocpp, for `make bench` scenario ocpp
// (bench/kwbench/scenarios/ocpp.py). Each one is an ocpp-rpc RPCClient (strict schema validation
// both ways, subprotocol ocpp1.6) with its own HTTP Basic login, so the edge, the broker's account
// check and the core see what they see from real stations.
//
//   node bench/tools/ocpp_load.mjs --config stations.json --out result.json
//
// config: {url, stations: [{code, password, uid}], cycles, meter_values, meter_step_wh, ramp,
//          call_timeout_ms, interval_s, stagger, meter_start_wh}
// 1. connects every station, `ramp` handshakes at a time; prints "ready <connected>" on stderr;
// 2. waits for a line "go" on stdin (the harness takes its CPU snapshot), then every station at once:
//    BootNotification, StatusNotification (connectors 0 and 1), then `cycles` x (Authorize with its
//    card, StartTransaction, `meter_values` x MeterValues (+meter_step_wh each), StopTransaction);
//    prints "done" on stderr once the last answer arrived. With `interval_s`, each station paces
//    its calls: its next call starts `interval_s` after its previous one started (at once when that
//    answer came later), the first at a random offset within `stagger` intervals, so k stations
//    offer at most k / interval_s calls/s; without it, each sends its next call as soon as the last is answered;
// 3. on the end of stdin closes every connection, writes the result JSON and exits.
// Every call is timed with process.hrtime from the call to its answer. A failure (CALLERROR,
// timeout, an idTagInfo other than Accepted, a boot not Accepted, no transactionId) is recorded
// with its reason and ends that station's script. Node 18 or later.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const requireWeb = createRequire(path.join(here, '..', '..', 'web', 'package.json'));

function loadOcppRpc() {
  try {
    return requireWeb('ocpp-rpc');
  } catch {
    process.stderr.write('ocpp-rpc not installed: run `npm ci --prefix web`\n');
    process.exit(2);
  }
}

function args() {
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  if (!out.config || !out.out) {
    process.stderr.write('usage: ocpp_load.mjs --config stations.json --out result.json\n');
    process.exit(2);
  }
  return out;
}

const KINDS = ['BootNotification', 'StatusNotification', 'Authorize', 'StartTransaction', 'MeterValues', 'StopTransaction'];
const now = () => new Date().toISOString();
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

function summary(values) {
  if (!values.length) return { count: 0, p50_ms: null, p90_ms: null, p99_ms: null, max_ms: null, mean_ms: null };
  const s = Float64Array.from(values).sort();
  const q = (p) => s[Math.min(s.length - 1, Math.round((p / 100) * (s.length - 1)))];
  const r = (x) => Math.round(x * 100) / 100;
  const sum = s.reduce((a, b) => a + b, 0);
  return { count: s.length, p50_ms: r(q(50)), p90_ms: r(q(90)), p99_ms: r(q(99)), max_ms: r(s[s.length - 1]), mean_ms: r(sum / s.length) };
}

class Failure extends Error {}

async function main() {
  const opt = args();
  const cfg = JSON.parse(fs.readFileSync(opt.config, 'utf8'));
  const { RPCClient, createRPCError } = loadOcppRpc();
  const cycles = cfg.cycles ?? 3;
  const meterValues = cfg.meter_values ?? 3;
  const step = cfg.meter_step_wh ?? 100;
  const ramp = cfg.ramp ?? 200;
  const latencies = Object.fromEntries(KINDS.map((k) => [k, []]));
  const failures = [];
  const sessions = [];
  const edgeCalls = {}; // CALLs the edge sent us, by action
  const perSecond = []; // answers completed in each second of the calls phase
  let callsT0 = null;
  let firstCall = null;
  let lastAnswer = null;
  let calls = 0;

  const fail = (code, step, reason) => {
    failures.push({ code, step, reason: String(reason).slice(0, 300) });
    throw new Failure(reason);
  };

  const interval = cfg.interval_s ? cfg.interval_s * 1e3 : 0;
  const sleep = (t) => new Promise((r) => setTimeout(r, t));

  async function call(st, kind, params, stepName) {
    if (interval) {
      const wait = st.nextAt - performance.now();
      if (wait > 0) await sleep(wait);
      st.nextAt = Math.max(st.nextAt + interval, performance.now());
    }
    const t0 = process.hrtime.bigint();
    if (firstCall === null) firstCall = t0;
    let answer;
    try {
      answer = await st.client.call(kind, params);
    } catch (e) {
      const what = e?.rpcErrorCode ? `CALLERROR ${e.rpcErrorCode}: ${e.message}` : `${e?.name ?? 'Error'}: ${e?.message ?? e}`;
      fail(st.code, stepName, what);
    }
    const t1 = process.hrtime.bigint();
    lastAnswer = t1;
    calls += 1;
    latencies[kind].push(Number(t1 - t0) / 1e6);
    const sec = Math.floor(Number(t1 - callsT0) / 1e9);
    perSecond[sec] = (perSecond[sec] ?? 0) + 1;
    return answer;
  }

  const stations = cfg.stations.map((s) => ({ ...s, client: null, meter: cfg.meter_start_wh ?? 10000, nextAt: 0 }));

  // ---- connect, `ramp` at a time
  const tConnect = process.hrtime.bigint();
  let connected = 0;
  for (let i = 0; i < stations.length; i += ramp) {
    await Promise.all(
      stations.slice(i, i + ramp).map(async (st) => {
        const client = new RPCClient({
          endpoint: cfg.url,
          identity: st.code,
          password: st.password,
          protocols: ['ocpp1.6'],
          strictMode: true,
          reconnect: false,
          callTimeoutMs: cfg.call_timeout_ms ?? 30000,
        });
        client.handle(({ method }) => {
          edgeCalls[method] = (edgeCalls[method] ?? 0) + 1;
          if (method === 'ChangeConfiguration') return { status: 'Accepted' };
          throw createRPCError('NotImplemented', `${method}: not handled by the bench charge point`);
        });
        client.on('strictValidationFailure', (e) =>
          failures.push({ code: st.code, step: 'schema', reason: `${e.outbound ? 'ours' : "the edge's"} ${e.method}: ${e.error?.message}` }),
        );
        client.on('close', ({ code, reason }) => {
          if (!st.closing) failures.push({ code: st.code, step: 'connection', reason: `closed ${code} ${reason}` });
        });
        try {
          await client.connect();
          st.client = client;
          connected += 1;
        } catch (e) {
          failures.push({ code: st.code, step: 'connect', reason: `${e?.message ?? e}`.slice(0, 300) });
        }
      }),
    );
    process.stderr.write(`connected ${connected}/${stations.length}\n`);
  }
  const connectS = ms(tConnect) / 1000;
  process.stderr.write(`ready ${connected}\n`);

  // ---- wait for "go" (or the end of stdin: no calls)
  const lines = [];
  let stdinEnded = false;
  let wake = null;
  process.stdin.setEncoding('utf8');
  let buf = '';
  process.stdin.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, i).trim());
      buf = buf.slice(i + 1);
    }
    if (wake) wake();
  });
  process.stdin.on('end', () => {
    stdinEnded = true;
    if (wake) wake();
  });
  const until = async (pred) => {
    while (!pred()) await new Promise((r) => (wake = r));
  };
  await until(() => lines.includes('go') || stdinEnded);

  // ---- the calls, every station at once
  callsT0 = process.hrtime.bigint();
  const goAt = performance.now();
  // Paced: each station's first call at a random time within `stagger` intervals, so the stations
  // are not in step (in step, every one would send its StartTransaction within the same interval).
  for (const st of stations) st.nextAt = goAt + Math.random() * interval * (cfg.stagger ?? 1);
  const script = async (st) => {
    const boot = await call(st, 'BootNotification', { chargePointVendor: 'Bench', chargePointModel: 'OCPP16-DC', chargePointSerialNumber: `SN-${st.code}`, firmwareVersion: '1.6.0-bench' }, 'boot');
    if (boot.status !== 'Accepted') fail(st.code, 'boot', `BootNotification ${boot.status}`);
    for (const connectorId of [0, 1])
      await call(st, 'StatusNotification', { connectorId, errorCode: 'NoError', status: 'Available', timestamp: now() }, `status ${connectorId}`);
    for (let c = 0; c < cycles; c += 1) {
      const auth = await call(st, 'Authorize', { idTag: st.uid }, `authorize ${c + 1}`);
      if (auth.idTagInfo?.status !== 'Accepted') fail(st.code, `authorize ${c + 1}`, `idTagInfo ${JSON.stringify(auth.idTagInfo)}`);
      const meterStart = st.meter;
      const start = await call(st, 'StartTransaction', { connectorId: 1, idTag: st.uid, meterStart, timestamp: now() }, `start ${c + 1}`);
      if (start.idTagInfo?.status !== 'Accepted' || !(start.transactionId > 0))
        fail(st.code, `start ${c + 1}`, `StartTransaction answered ${JSON.stringify(start)}`);
      const tx = start.transactionId;
      for (let m = 0; m < meterValues; m += 1) {
        st.meter += step;
        await call(st, 'MeterValues', {
          connectorId: 1,
          transactionId: tx,
          meterValue: [{ timestamp: now(), sampledValue: [{ value: String(st.meter), measurand: 'Energy.Active.Import.Register', unit: 'Wh', context: 'Sample.Periodic' }] }],
        }, `meter ${c + 1}.${m + 1}`);
      }
      const stop = await call(st, 'StopTransaction', { transactionId: tx, idTag: st.uid, meterStop: st.meter, timestamp: now(), reason: 'Local' }, `stop ${c + 1}`);
      if (stop.idTagInfo && stop.idTagInfo.status !== 'Accepted') fail(st.code, `stop ${c + 1}`, `idTagInfo ${JSON.stringify(stop.idTagInfo)}`);
      sessions.push({ code: st.code, uid: st.uid, transaction_id: tx, meter_start: meterStart, meter_stop: st.meter });
    }
  };
  await Promise.all(
    stations
      .filter((st) => st.client)
      .map((st) =>
        script(st).catch((e) => {
          if (!(e instanceof Failure)) failures.push({ code: st.code, step: 'script', reason: String(e?.stack ?? e).slice(0, 300) });
        }),
      ),
  );
  const spanS = firstCall !== null && lastAnswer !== null ? Number(lastAnswer - firstCall) / 1e9 : 0;
  process.stderr.write(`done ${calls} calls in ${spanS.toFixed(2)} s\n`);

  // ---- the end of stdin: close and write the result
  await until(() => stdinEnded);
  await Promise.all(
    stations
      .filter((st) => st.client)
      .map((st) => {
        st.closing = true;
        return st.client.close({ code: 1000 }).catch(() => {});
      }),
  );
  const kinds = Object.fromEntries(KINDS.map((k) => [k, summary(latencies[k])]));
  const expected = stations.length * (3 + cycles * (3 + meterValues));
  const result = {
    stations: stations.length,
    connected,
    connect_s: Math.round(connectS * 100) / 100,
    calls,
    calls_expected: expected,
    span_s: Math.round(spanS * 1000) / 1000,
    calls_per_s: spanS > 0 ? Math.round((calls / spanS) * 10) / 10 : null,
    interval_s: cfg.interval_s ?? null,
    offered_per_s: cfg.interval_s ? Math.round((stations.length / cfg.interval_s) * 10) / 10 : null,
    all: summary(Object.values(latencies).flat()),
    kinds,
    failures: failures.length,
    failure_list: failures.slice(0, 200),
    failure_reasons: failures.reduce((acc, f) => {
      const key = `${f.step.replace(/ [0-9.]+$/, '')}: ${f.reason.replace(/[0-9]+/g, 'N').slice(0, 120)}`;
      acc[key] = (acc[key] ?? 0) + 1;
      return acc;
    }, {}),
    edge_calls: edgeCalls,
    answers_per_second: Array.from(perSecond, (x) => x ?? 0),
    sessions,
    node: process.version,
  };
  fs.writeFileSync(opt.out, JSON.stringify(result));
  process.exit(0);
}

main().catch((e) => {
  process.stderr.write(`ocpp_load: ${e?.stack ?? e}\n`);
  process.exit(1);
});
