// The built apps under the Content-Security-Policy of deploy/nginx/kilowatt.conf: no violation on
// the admin login page, the driver app's login/registration and map (Amap tiles), and the
// throttling message (429 + Retry-After) still renders through vue-i18n (which must not need eval).
// Where nginx is installed, the example also passes `nginx -t` (temporary prefix, nothing started).
// No Kilowatt server needed: a small static server plays nginx (the CSP header on every answer) and
// the API (canned answers), so this runs in seconds. Needs web/*/dist (npm run build --prefix web).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser, repoRoot, screenshot } from './lib/stack.mjs';

const nginxConf = fs.readFileSync(path.join(repoRoot, 'deploy', 'nginx', 'kilowatt.conf'), 'utf8');
// The policy of the server block (the one that allows 'self' scripts).
const CSP = [...nginxConf.matchAll(/add_header Content-Security-Policy "([^"]+)" always;/g)]
  .map((m) => m[1])
  .find((p) => p.includes("script-src 'self'"));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
};

function serveDist(res, root, rel) {
  let file = path.join(root, rel);
  if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(root, 'index.html');
  res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
  res.end(fs.readFileSync(file));
}

function json(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const session = {
  token: 'a'.repeat(64),
  expires_at: new Date(Date.now() + 86400_000).toISOString(),
  driver: { id: 1, phone: '138****8000', nickname: 'csp', status: 'active', balance_fen: 100, created_at: '2026-01-01T00:00:00Z' },
};

function api(req, res, url) {
  const p = url.pathname.replace(/^\/api\/v1/, '');
  const throttled = () => json(res, 429, { code: 'too_many_requests', message: 'too many attempts' }, { 'Retry-After': '30' });
  if (p === '/auth/staff/login' || p === '/auth/sms-code') return throttled();
  if (p === '/ws-ticket') return json(res, 201, { ticket: 'b'.repeat(64), expires_in_s: 30 });
  if (p === '/me') return json(res, 200, { kind: 'driver', ...session.driver });
  if (p === '/wallet') return json(res, 200, { balance_fen: 100 });
  if (req.method === 'GET') return json(res, 200, { items: [], total: 0, page: 1, page_size: 20 });
  return json(res, 404, { code: 'not_found', message: 'not here' });
}

let server;
let origin;
let browser;
const distReady = ['admin', 'app'].every((a) => fs.existsSync(path.join(repoRoot, 'web', a, 'dist', 'index.html')));

before(async () => {
  if (!distReady) return;
  server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (url.pathname.startsWith('/api/')) return api(req, res, url);
    for (const app of ['admin', 'app']) {
      if (url.pathname.startsWith(`/${app}/`))
        return serveDist(res, path.join(repoRoot, 'web', app, 'dist'), url.pathname.slice(app.length + 2));
    }
    res.writeHead(302, { Location: '/app/' });
    res.end();
  });
  server.on('upgrade', (_req, socket) => socket.destroy()); // the live socket: refused, not a CSP matter
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

/** A page that records CSP violations (securitypolicyviolation events and console reports). */
async function watchedPage(options = {}) {
  const context = await browser.newContext({ timezoneId: 'Asia/Shanghai', locale: 'zh-CN', ...options });
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile ?? ''}:${e.lineNumber ?? ''}`),
    );
  });
  const page = await context.newPage();
  page.kwViolations = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) page.kwViolations.push(m.text());
  });
  page.kwErrors = [];
  page.on('pageerror', (e) => page.kwErrors.push(e.message));
  return page;
}

async function assertNoViolations(page) {
  const events = await page.evaluate(() => window.__csp);
  assert.deepEqual([...events, ...page.kwViolations], [], 'CSP violations');
  assert.deepEqual(page.kwErrors, [], 'uncaught page errors');
}

test('the nginx example has a CSP without inline script or eval', { skip: !distReady && 'web/*/dist not built' }, () => {
  assert.ok(CSP, 'a Content-Security-Policy in deploy/nginx/kilowatt.conf');
  assert.match(CSP, /frame-ancestors 'none'/);
  assert.doesNotMatch(CSP, /script-src[^;]*'unsafe-(inline|eval)'/);
  for (const app of ['admin', 'app']) {
    const html = fs.readFileSync(path.join(repoRoot, 'web', app, 'dist', 'index.html'), 'utf8');
    for (const tag of html.match(/<script\b[^>]*>[\s\S]*?<\/script>/g) ?? []) {
      assert.match(tag, /^<script\b[^>]*\bsrc=/, `${app}: no inline script (${tag.slice(0, 80)})`);
    }
  }
});

// nginx itself, where it is installed (apt-get install nginx-light): the example passes `nginx -t`
// with a throwaway certificate, in a temporary prefix (nothing is started).
const nginxBin = ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find((f) => fs.existsSync(f));
test('deploy/nginx/kilowatt.conf passes nginx -t', { skip: !nginxBin && 'nginx not installed' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-nginx-'));
  try {
    const cert = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=charge.example.com',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(cert.status, 0, cert.stderr);
    const site = nginxConf
      .replace('/etc/letsencrypt/live/charge.example.com/fullchain.pem', path.join(dir, 'cert.pem'))
      .replace('/etc/letsencrypt/live/charge.example.com/privkey.pem', path.join(dir, 'key.pem'));
    fs.writeFileSync(path.join(dir, 'kilowatt.conf'), site);
    const mime = fs.existsSync('/etc/nginx/mime.types') ? 'include /etc/nginx/mime.types;' : '';
    fs.writeFileSync(
      path.join(dir, 'nginx.conf'),
      [
        `pid ${dir}/nginx.pid;`,
        `error_log ${dir}/error.log;`,
        'events {}',
        `http { ${mime} access_log ${dir}/access.log; client_body_temp_path ${dir}; proxy_temp_path ${dir};`,
        `  include ${dir}/kilowatt.conf; }`,
      ].join('\n'),
    );
    const r = spawnSync(nginxBin, ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')], { encoding: 'utf8' });
    assert.equal(r.status, 0, `nginx -t failed:\n${r.stderr}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the admin console runs under the CSP and shows the 429 wait', { skip: !distReady && 'web/*/dist not built' }, async () => {
  const page = await watchedPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${origin}/admin/`);
  await page.getByTestId('login-name').fill('admin');
  await page.getByTestId('login-password').fill('whatever1');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('login-error').getByText('尝试次数过多，请 30 秒后再试').waitFor();
  await screenshot(page, 'csp-admin-login-429');
  await assertNoViolations(page);
  await page.context().close();
});

test(
  'the driver app runs under the CSP: login, registration, the map with its tiles',
  { skip: !distReady && 'web/*/dist not built' },
  async () => {
    const page = await watchedPage({
      viewport: { width: 375, height: 812 },
      isMobile: true,
      hasTouch: true,
      geolocation: { latitude: 31.2304, longitude: 121.4737 },
      permissions: ['geolocation'],
    });
    await page.goto(`${origin}/app/login`);
    await page.locator('[data-test=switch-mode]').click();
    await page.locator('[data-test=phone] input').fill('13900000001');
    await page.locator('[data-test=send-code]').click();
    await page.locator('.van-toast').getByText('尝试次数过多，请 30 秒后再试').waitFor();
    await page
      .locator('[data-test=send-code]')
      .getByText(/\d+ 秒后重发/)
      .waitFor();
    await screenshot(page, 'csp-app-register-429');
    await assertNoViolations(page);

    // Logged in (a canned session): the map asks the Amap tile hosts, which the CSP allows (the tiles
    // themselves may fail to load here: no internet; that is not a violation).
    await page.evaluate((s) => localStorage.setItem('kw.app.session', JSON.stringify(s)), session);
    const tileRequests = [];
    page.on('request', (r) => {
      if (/autonavi\.com/.test(r.url())) tileRequests.push(r.url());
    });
    await page.route(/autonavi\.com/, (route) => route.fulfill({ status: 204 }));
    await page.goto(`${origin}/app/map`);
    await page.waitForURL(/\/app\/map/);
    await page.waitForFunction(() => document.querySelectorAll('img.leaflet-tile').length > 0, null, { timeout: 15000 });
    await page.waitForTimeout(500);
    assert.ok(tileRequests.length > 0, 'tiles were requested (not blocked by the CSP)');
    await assertNoViolations(page);
    await page.context().close();
  },
);
