// The real Kilowatt stack for end-to-end journeys: Mosquitto (dynamic security), Redis, kilowatt
// (SQLite, --demo, serving the built web apps) and kilowatt-sim, on free loopback ports in a fresh
// temporary folder. Binaries come from $KW_BUILD_DIR (default /work/main/build, else <repo>/build).
//
//   const stack = await startStack({ demo: true });
//   stack.baseUrl / adminUrl / appUrl          http://127.0.0.1:<port>[/admin/|/app/]
//   await stack.simControl('status SH-AC-01')  one line to the simulator's control port -> JSON
//   const sim = await stack.startSim([{ code, password, kind, connectors, rated_w }])  an extra sim
//   await stack.api('POST', '/auth/staff/login', { login, password })  JSON helper (throws on error or
//                                              on an answer docs/openapi.yaml does not document)
//   await stack.smsCode('13900000001')         newest code the sandbox SMS provider "sent" to a phone
//   await stack.registerDriver(phone, password) SMS code + registration through the API -> session
//   await stack.stop()
//
// With { ocpp: true } the OCPP 1.6J edge kilowatt-ocpp runs too, against the same broker:
//   stack.ocppUrl                              ws://127.0.0.1:<port>/ocpp (a charge point adds /<code>)
//   await stack.ocpp.restart()                 SIGTERM (or kill('SIGKILL')) and start again on that port
//
// Secrets (broker password, Redis password, bootstrap admin) reach the server through KW_*
// environment variables, never its command line; Redis reads its password from a config file.
//
// playwright-core is installed once, in web/node_modules (npm ci --prefix web); launchBrowser
// loads it from there and starts Debian's /usr/bin/chromium.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertAccessible, auditBrowser, checkA11y } from './axe.mjs';

import { assertApiResponse } from './contract.mjs';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const outputDir = path.join(repoRoot, 'e2e', 'output');

export const accounts = {
  admin: { login: 'admin', password: 'Admin1234' },
  operator: { login: 'operator', password: 'Operator1234' },
  maintainer: { login: 'maintainer', password: 'Maint1234' },
  driver: { phone: '13800138000', password: 'Demo1234' },
};

function buildDir() {
  if (process.env.KW_BUILD_DIR) return path.resolve(process.env.KW_BUILD_DIR);
  const local = path.join(repoRoot, 'build');
  if (fs.existsSync(path.join(local, 'server', 'kilowatt'))) return local;
  return '/work/main/build';
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls fn until it returns a truthy value (returned) or the deadline passes (throws). */
export async function waitFor(fn, { timeoutMs = 15000, intervalMs = 200, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const why = lastError ? ` (last error: ${lastError.message ?? lastError})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(intervalMs);
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function which(program) {
  const dirs = `${process.env.PATH ?? ''}:/usr/sbin:/sbin:/usr/local/sbin`.split(':');
  for (const dir of dirs) {
    const candidate = path.join(dir, program);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  throw new Error(`${program} not found (apt-get install -y mosquitto mosquitto-clients redis-server)`);
}

function dynsecPlugin() {
  const dirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib', '/usr/local/lib', '/usr/lib/mosquitto'];
  for (const dir of dirs) {
    const candidate = path.join(dir, 'mosquitto_dynamic_security.so');
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error('mosquitto_dynamic_security.so not found (package mosquitto)');
}

// Every child of every stack, so a crashed test run leaves nothing behind.
const allChildren = new Set();
process.once('exit', () => {
  for (const child of allChildren) {
    try {
      child.kill('SIGKILL');
    } catch {
      // gone
    }
  }
});

function tail(file, lines = 30) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

class Child {
  constructor(name, program, args, logFile, env = {}) {
    this.name = name;
    this.logFile = logFile;
    const fd = fs.openSync(logFile, 'a');
    this.proc = spawn(program, args, { stdio: ['ignore', fd, fd], env: { ...process.env, ...env } });
    fs.closeSync(fd);
    this.exited = false;
    this.exitCode = null;
    this.exitPromise = new Promise((resolve) => {
      this.proc.once('exit', (code, signal) => {
        this.exited = true;
        this.exitCode = code ?? signal;
        allChildren.delete(this.proc);
        resolve();
      });
    });
    this.proc.once('error', (e) => {
      fs.appendFileSync(logFile, `spawn failed: ${e.message}\n`);
    });
    allChildren.add(this.proc);
  }

  get pid() {
    return this.proc.pid;
  }

  assertRunning() {
    if (this.exited) {
      throw new Error(`${this.name} exited (${this.exitCode}); log ${this.logFile}:\n${tail(this.logFile)}`);
    }
  }

  async stop(graceMs = 10000) {
    if (this.exited) return;
    this.proc.kill('SIGTERM');
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const outcome = await Promise.race([this.exitPromise, timeout]);
    clearTimeout(timer); // a pending grace timer would keep the test process alive
    if (outcome === 'timeout') {
      this.proc.kill('SIGKILL');
      await this.exitPromise;
    }
  }
}

/** Sends one line to a control port and returns the parsed JSON line it answers. */
export function controlLine(port, line, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let buffer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`control port ${port}: no answer to "${line}" in ${timeoutMs} ms`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write(`${line}\n`));
    socket.on('data', (chunk) => {
      buffer += chunk;
      const nl = buffer.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      socket.end();
      try {
        resolve(JSON.parse(buffer.slice(0, nl)));
      } catch {
        reject(new Error(`control port ${port}: not JSON: ${buffer.slice(0, nl)}`));
      }
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** An error answer of the API: status, code and the server's message. */
/** A request body stack.api sends as it is (not as JSON): `rawBody('text/csv', csv)`. */
export class RawBody {
  constructor(contentType, text) {
    this.contentType = contentType;
    this.text = text;
  }
}
export const rawBody = (contentType, text) => new RawBody(contentType, text);

export class ApiCallError extends Error {
  constructor(method, apiPath, status, body, retryAfter = null) {
    super(`${method} ${apiPath} -> ${status} ${body?.code ?? ''}: ${body?.message ?? ''}`);
    this.status = status;
    this.code = body?.code;
    this.body = body;
    /** The Retry-After header of a 429, in seconds (null when absent). */
    this.retryAfter = retryAfter === null ? null : Number(retryAfter);
  }
}

/**
 * The codes the sandbox SMS provider wrote to its outbox (one JSON line per message:
 * {"at","phone","purpose","code"}), oldest first, for one phone (and purpose) or all.
 */
export function readSmsOutbox(file, phone, purpose) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const m = JSON.parse(line);
      if ((!phone || m.phone === phone) && (!purpose || m.purpose === purpose)) out.push(m);
    } catch {
      // a line being written
    }
  }
  return out;
}

function chargersCsv(chargers) {
  const rows = chargers.map((c) => [c.code, c.password, c.kind ?? 'AC', c.connectors ?? 1, c.rated_w ?? 7000].join(','));
  return `code,password,kind,connectors,rated_w\n${rows.join('\n')}\n`;
}

/**
 * Starts the stack. Options:
 *   demo (true)            seed the demo network and start a sim for its chargers
 *   sim (= demo)           start the sim for the demo chargers
 *   simArgs ([])           extra kilowatt-sim flags (default --meter-interval 1)
 *   serverFlags ([])       extra kilowatt flags (--key=value)
 *   adminRoot / appRoot    built apps (default web/admin/dist, web/app/dist when they exist)
 *   heartbeatS (5)         heartbeat period told to chargers; offline after 3 missed
 *   limits ({})            rate limits as { login_free_failures: 5, ... } (--limits.KEY=N)
 *   ocpp (false)           start kilowatt-ocpp (<build>/ocpp/kilowatt-ocpp) on a free port
 *   ocppPending (false)    the edge holds unknown charge points for approval (--pending-unknown, its
 *                          broker account's password in KW_MQTT_EDGE_PASSWORD for it and the server)
 *   ocppArgs ([])          extra kilowatt-ocpp flags (--boot-answer-ms 2000, --tls-cert/--tls-key: wss://, ...)
 */
// The ports are picked by the kernel and released before Mosquitto, Redis and the server bind
// them: another process on the machine may take one in between (an outgoing connection gets any
// free port as its local one). A start that failed that way is made again on fresh ports.
export async function startStack(options = {}) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startStackOnce(options);
    } catch (e) {
      if (attempt >= 3 || !/address already in use/i.test(String(e?.message))) throw e;
      console.log(`e2e: a port was taken before its component bound it; starting the stack again (${e.message.split('\n')[0]})`);
    }
  }
}

async function startStackOnce(options) {
  const demo = options.demo ?? true;
  const withSim = options.sim ?? demo;
  const bin = buildDir();
  const serverBin = path.join(bin, 'server', 'kilowatt');
  const simBin = path.join(bin, 'sim', 'kilowatt-sim');
  const ocppBin = path.join(bin, 'ocpp', 'kilowatt-ocpp');
  for (const b of [serverBin, simBin]) {
    if (!fs.existsSync(b))
      throw new Error(`${b} not found: build it (cmake --build ${bin} --target kilowatt kilowatt-sim) or set KW_BUILD_DIR`);
  }
  if (options.ocpp && !fs.existsSync(ocppBin))
    throw new Error(`${ocppBin} not found: build it (cmake --build ${bin} --target kilowatt-ocpp) or set KW_BUILD_DIR`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-e2e-'));
  const children = [];
  const sims = [];
  let stopped = false;

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const sim of [...sims].reverse()) await sim.stop();
    for (const child of [...children].reverse()) await child.stop(child.name === 'kilowatt' ? 30000 : 10000);
    if (!process.env.KW_E2E_KEEP) fs.rmSync(dir, { recursive: true, force: true });
    else console.log(`e2e: stack files kept in ${dir}`);
  };

  try {
    const [mqttPort, redisPort, httpPort] = [await freePort(), await freePort(), await freePort()];

    // ---- Mosquitto with dynamic security; the server is its admin.
    const mqttUser = 'kilowatt';
    const mqttPassword = randomBytes(12).toString('hex');
    const dynsec = path.join(dir, 'dynamic-security.json');
    const init = spawnSync(which('mosquitto_ctrl'), ['dynsec', 'init', dynsec, mqttUser, mqttPassword], { encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`mosquitto_ctrl dynsec init failed: ${init.stderr}${init.stdout}`);
    const conf = [
      'per_listener_settings false',
      `listener ${mqttPort} 127.0.0.1`,
      'allow_anonymous false',
      ...(process.getuid && process.getuid() === 0 ? ['user root'] : []),
      `plugin ${dynsecPlugin()}`,
      `plugin_opt_config_file ${dynsec}`,
      'persistence false',
      'log_dest stderr', // into mosquitto.out, which a failed start shows
      'log_type error',
      'log_type warning',
      'log_type notice',
      'max_queued_messages 100000',
    ].join('\n');
    fs.writeFileSync(path.join(dir, 'mosquitto.conf'), `${conf}\n`);
    const mosquitto = new Child('mosquitto', which('mosquitto'), ['-c', path.join(dir, 'mosquitto.conf')], path.join(dir, 'mosquitto.out'));
    children.push(mosquitto);

    // ---- Redis, no persistence, with a password (in its config file, not on its command line).
    fs.mkdirSync(path.join(dir, 'redis'));
    const redisPassword = randomBytes(16).toString('hex');
    const redisConf = path.join(dir, 'redis.conf');
    fs.writeFileSync(
      redisConf,
      [
        `port ${redisPort}`,
        'bind 127.0.0.1',
        `dir ${path.join(dir, 'redis')}`,
        'save ""',
        'appendonly no',
        'daemonize no',
        'loglevel warning',
        `requirepass ${redisPassword}`,
      ].join('\n') + '\n',
      { mode: 0o600 },
    );
    const redis = new Child('redis', which('redis-server'), [redisConf], path.join(dir, 'redis.log'));
    children.push(redis);

    await waitFor(
      async () => {
        mosquitto.assertRunning();
        return portOpen(mqttPort);
      },
      { timeoutMs: 20000, what: 'mosquitto' },
    );
    await waitFor(
      async () => {
        redis.assertRunning();
        return portOpen(redisPort);
      },
      { timeoutMs: 20000, what: 'redis' },
    );

    // ---- kilowatt
    const baseUrl = `http://127.0.0.1:${httpPort}`;
    const csv = path.join(dir, 'demo-chargers.csv');
    const adminRoot = options.adminRoot ?? path.join(repoRoot, 'web', 'admin', 'dist');
    const appRoot = options.appRoot ?? path.join(repoRoot, 'web', 'app', 'dist');
    const heartbeatS = options.heartbeatS ?? 5;
    const smsOutbox = path.join(dir, 'sms-outbox.log');
    const serverArgs = [
      `--database.url=sqlite:${path.join(dir, 'kilowatt.db')}`,
      '--server.address=127.0.0.1',
      `--server.port=${httpPort}`,
      `--server.public_url=${baseUrl}`,
      '--redis.host=127.0.0.1',
      `--redis.port=${redisPort}`,
      '--mqtt.host=127.0.0.1',
      `--mqtt.port=${mqttPort}`,
      '--mqtt.broker=mosquitto',
      `--mqtt.username=${mqttUser}`,
      `--orders.heartbeat_s=${heartbeatS}`,
      '--orders.sweep_interval_ms=500',
      // Development providers: SMS codes go to a file the journeys read; top-ups are paid at once.
      '--sms.sandbox=true',
      `--sms.sandbox_outbox=${smsOutbox}`,
      '--payments.sandbox=true',
      ...Object.entries(options.limits ?? {}).map(([key, n]) => `--limits.${key}=${n}`),
      ...(fs.existsSync(path.join(adminRoot, 'index.html')) ? [`--server.admin_root=${adminRoot}`] : []),
      ...(fs.existsSync(path.join(appRoot, 'index.html')) ? [`--server.app_root=${appRoot}`] : []),
      ...(demo ? ['--demo', `--demo.chargers_csv=${csv}`] : []),
      ...(options.serverFlags ?? []),
    ];
    const serverLog = path.join(dir, 'kilowatt.log');
    // With { ocppPending: true } the OCPP edge holds unknown charge points for approval: it needs its
    // own broker account, which the server creates from this password (docs/ocpp.md).
    const edgePassword = options.ocppPending ? randomBytes(12).toString('hex') : '';
    const server = new Child('kilowatt', serverBin, serverArgs, serverLog, {
      ...(edgePassword ? { KW_MQTT_EDGE_PASSWORD: edgePassword } : {}),
      KW_MQTT_PASSWORD: mqttPassword,
      KW_REDIS_PASSWORD: redisPassword,
      KW_AUTH_BOOTSTRAP_ADMIN: `${accounts.admin.login}:${accounts.admin.password}`,
    });
    children.push(server);
    // Ready = database, Redis and broker all answer (/healthz only says the process is alive).
    await waitFor(
      async () => {
        server.assertRunning();
        const r = await fetch(`${baseUrl}/readyz`);
        return r.ok;
      },
      { timeoutMs: 60000, what: 'kilowatt /readyz' },
    );
    if (demo) {
      await waitFor(
        () => {
          server.assertRunning();
          const log = tail(serverLog, 400);
          if (log.includes('event=demo_seed_failed')) throw new Error(`demo seed failed:\n${tail(serverLog)}`);
          return fs.existsSync(csv) && /event=demo_(seeded|credentials_reissued)/.test(log);
        },
        { timeoutMs: 60000, what: 'the demo chargers CSV' },
      );
    }

    // ---- kilowatt-ocpp: the OCPP 1.6J edge, a second way in for chargers (as each charger, to the same
    // broker). Started on port 0 the first time (it prints the port it got), then on that port again,
    // so charge points reconnect to the same URL after a restart.
    let ocpp = null;
    if (options.ocpp) {
      const logFile = path.join(dir, 'kilowatt-ocpp.log');
      let child = null;
      let port = 0;
      const start = async () => {
        if (child && !child.exited) throw new Error('kilowatt-ocpp is running already');
        const offset = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0; // earlier runs' lines
        child = new Child(
          'kilowatt-ocpp',
          ocppBin,
          [
            '--address',
            '127.0.0.1',
            '--port',
            String(port),
            '--broker-host',
            '127.0.0.1',
            '--broker-port',
            String(mqttPort),
            '--log-level',
            'info',
            ...(edgePassword ? ['--pending-unknown'] : []),
            ...(options.ocppArgs ?? []),
          ],
          logFile,
          edgePassword ? { KW_MQTT_EDGE_PASSWORD: edgePassword } : {},
        );
        children.push(child);
        const started = child;
        port = await waitFor(
          () => {
            started.assertRunning();
            const text = fs.readFileSync(logFile, 'utf8').slice(offset);
            const m = /kilowatt-ocpp listening on 127\.0\.0\.1:(\d+)/.exec(text);
            return m ? Number(m[1]) : 0;
          },
          { timeoutMs: 20000, what: 'kilowatt-ocpp listening' },
        );
      };
      /** Ends the edge with a signal (SIGTERM: it closes its stations with 1001 first). */
      const kill = async (signal = 'SIGTERM') => {
        if (!child || child.exited) return;
        const stopping = child;
        if (signal === 'SIGTERM') await stopping.stop();
        else {
          stopping.proc.kill(signal);
          await stopping.exitPromise;
        }
        const i = children.indexOf(stopping);
        if (i >= 0) children.splice(i, 1);
      };
      await start();
      ocpp = {
        get port() {
          return port;
        },
        /** wss:// when the edge was given a certificate (ocppArgs --tls-cert/--tls-key). */
        get url() {
          const scheme = (options.ocppArgs ?? []).includes('--tls-cert') ? 'wss' : 'ws';
          return `${scheme}://127.0.0.1:${port}/ocpp`;
        },
        logFile,
        /** Everything the edge logged so far (every run of it). */
        log: () => fs.readFileSync(logFile, 'utf8'),
        get running() {
          return Boolean(child && !child.exited);
        },
        kill,
        start,
        restart: async (signal = 'SIGTERM') => {
          await kill(signal);
          await start();
        },
      };
    }

    // ---- simulators
    const startSimFromCsv = async (csvFile, name, extraArgs = []) => {
      const controlPort = await freePort();
      const child = new Child(
        name,
        simBin,
        [
          '--broker-host',
          '127.0.0.1',
          '--broker-port',
          String(mqttPort),
          '--chargers',
          csvFile,
          '--control-port',
          String(controlPort),
          ...(options.simArgs ?? ['--meter-interval', '1']),
          ...extraArgs,
        ],
        path.join(dir, `${name}.log`),
      );
      const sim = {
        name,
        controlPort,
        logFile: child.logFile,
        control: (line, timeoutMs) => controlLine(controlPort, line, timeoutMs),
        stop: async () => {
          await child.stop();
          const i = sims.indexOf(sim);
          if (i >= 0) sims.splice(i, 1);
        },
        get running() {
          return !child.exited;
        },
      };
      sims.push(sim);
      await waitFor(
        async () => {
          child.assertRunning();
          return portOpen(controlPort);
        },
        { timeoutMs: 20000, what: `${name} control port` },
      );
      return sim;
    };

    let mainSim = null;
    if (withSim && demo) mainSim = await startSimFromCsv(csv, 'sim');

    let simCount = 0;
    const api = async (method, apiPath, body, token) => {
      const headers = { Accept: 'application/json' };
      if (token) headers.Authorization = `Bearer ${token}`;
      const raw = body instanceof RawBody;
      if (body !== undefined) headers['Content-Type'] = raw ? body.contentType : 'application/json';
      let r;
      try {
        r = await fetch(`${baseUrl}/api/v1${apiPath}`, {
          method,
          headers,
          body: body === undefined ? undefined : raw ? body.text : JSON.stringify(body),
          signal: AbortSignal.timeout(30000),
        });
      } catch (e) {
        throw new Error(`${method} ${apiPath}: ${e.name === 'TimeoutError' ? 'no answer in 30 s' : e.message}`);
      }
      const text = await r.text();
      let parsed;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = { code: 'not_json', message: text.slice(0, 200) };
      }
      // Every answer must be the one docs/openapi.yaml documents (status and body schema): a journey
      // fails where the server and the document part ways, not later in some client.
      assertApiResponse(method, `/api/v1${apiPath}`, r.status, parsed?.code === 'not_json' ? text : parsed);
      if (!r.ok) throw new ApiCallError(method, apiPath, r.status, parsed, r.headers.get('retry-after'));
      return parsed;
    };

    /** The newest SMS code sent to phone (waits for one sent after `after`, an outbox line count). */
    const smsCode = async (phone, { purpose = 'register', after = 0, timeoutMs = 10000 } = {}) => {
      const message = await waitFor(
        () => {
          server.assertRunning();
          const all = readSmsOutbox(smsOutbox, phone, purpose);
          return all.length > after ? all[all.length - 1] : null;
        },
        { timeoutMs, what: `an SMS code for ${phone} in ${smsOutbox}` },
      );
      return message.code;
    };

    return {
      dir,
      baseUrl,
      smsOutbox,
      smsCode,
      /** How many SMS were sent to phone so far (pass as `after` to wait for the next one). */
      smsCount: (phone, purpose = 'register') => readSmsOutbox(smsOutbox, phone, purpose).length,
      /** A new driver through the API: SMS code, then registration -> {token, expires_at, driver}. */
      registerDriver: async (phone, password, nickname) => {
        const before = readSmsOutbox(smsOutbox, phone, 'register').length;
        await api('POST', '/auth/sms-code', { phone, purpose: 'register' });
        const code = await smsCode(phone, { after: before });
        return api('POST', '/auth/driver/register', { phone, code, password, ...(nickname ? { nickname } : {}) });
      },
      adminUrl: `${baseUrl}/admin/`,
      appUrl: `${baseUrl}/app/`,
      ports: { http: httpPort, mqtt: mqttPort, redis: redisPort },
      serverLog,
      /** kilowatt's process id (to pause it with SIGSTOP/SIGCONT: a core that does not answer). */
      serverPid: server.pid,
      demoChargersCsv: demo ? csv : null,
      sim: mainSim,
      /** The OCPP edge ({ url, port, logFile, log(), running, kill(signal), start(), restart(signal) }) or null. */
      ocpp,
      ocppUrl: ocpp ? ocpp.url : null,
      /** One line to the demo simulator's control port (sim/README.md) -> parsed JSON answer. */
      simControl: (line, timeoutMs) => {
        if (!mainSim) throw new Error('no demo simulator in this stack');
        return mainSim.control(line, timeoutMs);
      },
      /**
       * Starts another kilowatt-sim for the given chargers, e.g. one created through the API:
       * startSim([{ code, password: created.mqtt.password, kind, connectors, rated_w }]).
       * Returns { control(line), stop(), controlPort, logFile }.
       */
      startSim: (chargers, extraArgs = []) => {
        const list = Array.isArray(chargers) ? chargers : [chargers];
        simCount += 1;
        const file = path.join(dir, `extra-sim-${simCount}.csv`);
        fs.writeFileSync(file, chargersCsv(list));
        return startSimFromCsv(file, `sim-${simCount}`, extraArgs);
      },
      /** Starts another kilowatt-sim with a chargers CSV file as it is (e.g. the import's credentials). */
      startSimFromFile: (file, extraArgs = []) => {
        simCount += 1;
        return startSimFromCsv(file, `sim-${simCount}`, extraArgs);
      },
      /** JSON request to /api/v1<apiPath>; throws ApiCallError {status, code} on failure. */
      api,
      staffToken: async (who = 'admin') => (await api('POST', '/auth/staff/login', accounts[who])).token,
      driverToken: async (phone = accounts.driver.phone, password = accounts.driver.password) =>
        (await api('POST', '/auth/driver/login', { phone, password })).token,
      stop,
    };
  } catch (e) {
    await stop().catch(() => {});
    throw e;
  }
}

/** playwright-core from web/node_modules (one npm install for the whole repo). */
export function loadPlaywright() {
  const require = createRequire(path.join(repoRoot, 'web', 'package.json'));
  try {
    return require('playwright-core');
  } catch {
    throw new Error('playwright-core not installed: run `npm ci --prefix web`');
  }
}

export const chromiumPath = process.env.KW_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Launches Debian's chromium headless. Playwright gives every launch() a fresh temporary profile
 * (the same as --user-data-dir=<new folder>, which launch() does not accept in args) and removes
 * it on close. options go to chromium.launch(); returns the Browser.
 */
export async function launchBrowser(options = {}) {
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(`${chromiumPath} not found: apt-get install -y chromium (never download a browser)`);
  }
  const { chromium } = loadPlaywright();
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    ...options,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      ...(options.args ?? []),
    ],
  });
  return auditBrowser(browser); // axe-core on every page of every journey (axe.mjs)
}

/**
 * Saves a full-viewport PNG of the page to e2e/output/<name>.png and returns its path. Checks the
 * page with axe-core first and throws on any critical/serious finding.
 */
export async function screenshot(page, name, options = {}) {
  await checkA11y(page);
  await assertAccessible(page);
  fs.mkdirSync(outputDir, { recursive: true });
  const file = path.join(outputDir, `${name}.png`);
  await page.screenshot({ path: file, ...options });
  return file;
}
