#!/usr/bin/env node
// A minimal OCPP 1.6J central system for checking `kilowatt-sim --protocol ocpp1.6` by hand, on the
// npm package ocpp-rpc (installed in web/node_modules: `npm ci --prefix web`) in strict mode: every
// CALL and answer, both ways, is checked against the official 1.6 JSON schemas, and a violation is
// printed as STRICT. It accepts every charge point (any password), answers BootNotification Accepted
// (interval from argv), StartTransaction with increasing transactionIds, everything else plainly,
// and prints every frame as a JSON line. A line on stdin `<code> <Action> <json payload>` sends that
// CALL to the charge point and prints its answer, e.g.
//   SIM-00001 RemoteStartTransaction {"connectorId":1,"idTag":"TAG1"}
//   SIM-00001 GetConfiguration {}
//   SIM-00001 Reset {"type":"Soft"}
//
//   node sim/tools/ocpp_central.mjs 8180 [heartbeat_s=30]
//   kilowatt-sim --protocol ocpp1.6 --ocpp-url ws://127.0.0.1:8180/ocpp --count 3 --meter-interval 5
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { RPCServer } = createRequire(path.join(repo, 'web', 'package.json'))('ocpp-rpc');
const port = Number(process.argv[2] ?? 8180);
const heartbeatS = Number(process.argv[3] ?? 30);
const print = (o) => console.log(JSON.stringify({ at: new Date().toISOString(), ...o }));

let nextTransactionId = 1;
const clients = new Map();
const server = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true });
server.auth((accept, reject, handshake) => accept({ password: handshake.password?.toString() ?? null }));
server.on('client', (client) => {
  const code = client.identity;
  clients.set(code, client);
  print({ code, event: 'connected', password_given: client.session.password !== null });
  client.on('close', ({ code: closeCode, reason }) => {
    print({ code, event: 'closed', close_code: closeCode, reason: String(reason) });
    if (clients.get(code) === client) clients.delete(code);
  });
  client.on('strictValidationFailure', (e) =>
    print({ code, event: 'STRICT', method: e.method, outbound: e.outbound, error: String(e.error), params: e.params, result: e.result }));
  client.handle(({ method, params }) => {
    print({ code, in: method, params });
    const now = new Date().toISOString();
    switch (method) {
      case 'BootNotification': return { status: 'Accepted', interval: heartbeatS, currentTime: now };
      case 'Heartbeat': return { currentTime: now };
      case 'Authorize': return { idTagInfo: { status: 'Accepted' } };
      case 'StartTransaction': return { transactionId: nextTransactionId++, idTagInfo: { status: 'Accepted' } };
      case 'StopTransaction': return { idTagInfo: { status: 'Accepted' } };
      case 'DataTransfer': return { status: 'UnknownVendorId' };
      default: return {};
    }
  });
});
await server.listen(port, '0.0.0.0');
print({ event: 'listening', url: `ws://127.0.0.1:${port}/ocpp` });

readline.createInterface({ input: process.stdin }).on('line', async (line) => {
  const m = /^\s*(\S+)\s+(\S+)\s*(.*)$/.exec(line);
  if (!m) return;
  const [, code, action, body] = m;
  const client = clients.get(code);
  if (!client) return print({ code, error: 'not connected' });
  try {
    const answer = await client.call(action, body ? JSON.parse(body) : {});
    print({ code, out: action, answer });
  } catch (e) {
    print({ code, out: action, error: e.rpcErrorCode ?? String(e), message: e.message });
  }
});
