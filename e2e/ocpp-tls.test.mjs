// Journey: OCPP security profile 2 with TLS terminated by kilowatt-ocpp itself (--tls-cert,
// --tls-key): a charge point (ocpp-rpc, schema-strict; 1.6, and a 2.0.1 station) that trusts the
// edge's certificate connects over wss://, its HTTP Basic password is still checked by the broker, and it runs as a charger of
// the real stack. The certificate is made for the test with the openssl command line; the edge must
// serve exactly it, and a listener with TLS speaks nothing else.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { after, before, test } from 'node:test';
import { ChargePoint, createOcppCharger, loadWs } from './lib/ocpp.mjs';
import { Station } from './lib/ocpp201.mjs';
import { startStack, waitFor } from './lib/stack.mjs';

let stack;
let adminToken;
let stationId;
let certDir;
let ca; // the edge's self-signed certificate, PEM
const open = new Set();

before(async () => {
  certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-ocpp-tls-'));
  const cert = path.join(certDir, 'edge.crt');
  const key = path.join(certDir, 'edge.key');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  ca = fs.readFileSync(cert, 'utf8');
  stack = await startStack({ demo: true, sim: false, ocpp: true, ocppArgs: ['--tls-cert', cert, '--tls-key', key] });
  adminToken = await stack.staffToken('admin');
  stationId = (await stack.api('GET', '/stations', undefined, adminToken)).items[0].id;
});

after(async () => {
  try {
    for (const cp of open) await cp.close({ force: true }).catch(() => {});
    await stack?.stop();
  } finally {
    if (certDir) fs.rmSync(certDir, { recursive: true, force: true });
  }
});

test('the edge serves its configured certificate over TLS 1.2 or newer on its wss:// URL', async () => {
  assert.match(stack.ocppUrl, /^wss:\/\/127\.0\.0\.1:\d+\/ocpp$/);
  const served = await new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: stack.ocpp.port, ca, servername: undefined }, () => {
      resolve({ cert: socket.getPeerCertificate(), protocol: socket.getProtocol(), authorized: socket.authorized });
      socket.end();
    });
    socket.on('error', reject);
  });
  assert.equal(served.authorized, true, 'the certificate verifies against itself as the CA');
  assert.equal(served.cert.fingerprint256, new crypto.X509Certificate(ca).fingerprint256);
  assert.ok(['TLSv1.2', 'TLSv1.3'].includes(served.protocol), served.protocol);
});

test('security profile 2: a charge point that trusts the certificate boots over wss:// and is online', async () => {
  const charger = await createOcppCharger(stack, adminToken, { code: 'OCPP-TLS-1', stationId });
  const cp = new ChargePoint(stack, charger, { wsOpts: { ca } });
  open.add(cp);
  await cp.connect();
  const conf = await cp.boot();
  assert.equal(conf.status, 'Accepted', cp.tail());
  await cp.status(1, 'Available');
  await waitFor(async () => (await stack.api('GET', `/admin/chargers/${charger.id}`, undefined, adminToken)).online === true, {
    timeoutMs: 10000,
    what: 'the TLS charger online in the console',
  });
  await cp.close();
  open.delete(cp);
});

test('security profile 2 on OCPP 2.0.1: a station that trusts the certificate gets ocpp2.0.1 over wss://, boots and is online', async () => {
  const charger = await createOcppCharger(stack, adminToken, { code: 'OCPP201-TLS-1', stationId, protocol: 'ocpp2.0.1' });
  const st = new Station(stack, charger, { wsOpts: { ca } });
  open.add(st);
  await st.connect();
  const conf = await st.boot();
  assert.equal(conf.status, 'Accepted', st.tail());
  await st.status(1, 'Available');
  await waitFor(async () => (await stack.api('GET', `/admin/chargers/${charger.id}`, undefined, adminToken)).online === true, {
    timeoutMs: 10000,
    what: 'the 2.0.1 TLS station online in the console',
  });
  await st.close();
  open.delete(st);
});

test('over TLS the password is still checked: a wrong one is refused with 401', async () => {
  const charger = await createOcppCharger(stack, adminToken, { code: 'OCPP-TLS-2', stationId });
  const WebSocket = loadWs();
  const status = await new Promise((resolve) => {
    const ws = new WebSocket(`${stack.ocppUrl}/${charger.code}`, ['ocpp1.6'], {
      ca,
      headers: { Authorization: `Basic ${Buffer.from(`${charger.code}:not-${charger.password}`).toString('base64')}` },
    });
    ws.on('unexpected-response', (req, res) => {
      resolve(res.statusCode);
      req.destroy();
    });
    ws.on('open', () => {
      resolve('open');
      ws.close();
    });
    ws.on('error', () => resolve('error'));
  });
  assert.equal(status, 401);
});

test('a TLS listener speaks nothing else: a plain ws:// handshake to it gets no WebSocket', async () => {
  const charger = await createOcppCharger(stack, adminToken, { code: 'OCPP-TLS-3', stationId });
  const WebSocket = loadWs();
  const outcome = await new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${stack.ocpp.port}/ocpp/${charger.code}`, ['ocpp1.6'], {
      headers: { Authorization: `Basic ${Buffer.from(`${charger.code}:${charger.password}`).toString('base64')}` },
      handshakeTimeout: 5000,
    });
    ws.on('open', () => {
      resolve('open');
      ws.close();
    });
    ws.on('unexpected-response', (req, res) => {
      resolve(`http ${res.statusCode}`);
      req.destroy();
    });
    ws.on('error', (e) => resolve(`error ${e.message}`));
  });
  assert.match(outcome, /^error /);
  assert.match(stack.ocpp.log(), /event=ocpp_tls_failed/);
});
