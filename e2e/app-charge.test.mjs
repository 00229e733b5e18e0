// Driver app journey on a phone: register (with the SMS code from the sandbox outbox), find the nearest station on the map and in the list,
// top up, scan a charger's QR code from an image file, start, watch power and energy grow (across a
// reload), stop, and check the bill against the API's order and the tariff arithmetic.
// Against the real stack: kilowatt (SQLite, demo data), Mosquitto, Redis, kilowatt-sim.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { SHANGHAI, assertNoPageErrors, openPhone, shot } from './lib/app.mjs';
import { launchBrowser, repoRoot, screenshot, startStack, waitFor } from './lib/stack.mjs';

const QRCode = createRequire(path.join(repoRoot, 'web', 'package.json'))('qrcode');

const CHARGER = 'SH-DC-01';

let stack;
let browser;

before(async () => {
  stack = await startStack({ demo: true });
  browser = await launchBrowser();
});

after(async () => {
  try {
    await browser?.close();
  } finally {
    await stack?.stop();
  }
});

// Same rules as web/api/money.ts: fen -> "¥12.34", Wh -> "12.35 kWh".
const fen = (n) =>
  `${n < 0 ? '-' : ''}¥${Math.floor(Math.abs(n) / 100).toLocaleString('en-US')}.${String(Math.abs(n) % 100).padStart(2, '0')}`;
const kwh = (wh) => {
  const c = Math.round(wh / 10);
  return `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')} kWh`;
};
// The server's fee rule (server/src/domain/README.md): Wh * price / 100000 fen, rounded half up.
const fee = (wh, price) => Math.floor((wh * price + 50000) / 100000);

const text = async (page, selector) => (await page.locator(selector).first().innerText()).trim();
const number = (s) => Number(s.replace(/[^0-9.]/g, ''));

test('a new driver finds the station, scans, charges, stops and gets the exact bill', async () => {
  const { context, page } = await openPhone(browser);
  const phone = `139${String(Date.now()).slice(-8)}`;
  const password = 'Drive1234';

  // ---- register, with the form's validation first
  await page.goto(stack.appUrl);
  await page.waitForURL(/\/app\/login/);
  await page.locator('[data-test=submit]').waitFor();
  await shot(page, 'app-01-login');
  await page.locator('[data-test=switch-mode]').click();
  await page.locator('[data-test=nickname]').waitFor();
  await page.locator('[data-test=phone] input').fill('12345');
  await page.locator('[data-test=password] input').fill('short');
  await page.locator('[data-test=submit]').click();
  await page.getByText('手机号格式不正确').waitFor();
  await page.getByText('密码至少 8 位').waitFor();
  await page.locator('[data-test=toggle-password]').click();
  assert.equal(await page.locator('[data-test=password] input').getAttribute('type'), 'text');
  await page.getByText('请输入短信验证码').waitFor(); // the SMS code is required too
  await shot(page, 'app-02-register-validation');
  await page.locator('[data-test=phone] input').fill(phone);
  await page.locator('[data-test=password] input').fill(password);
  await page.locator('[data-test=nickname] input').fill('测试车主');

  // ---- the SMS code: "get code" texts one (the sandbox provider writes it to its outbox) and
  // counts down until another may be asked; a wrong code is refused in the driver's language.
  await page.locator('[data-test=send-code]').click();
  const code = await stack.smsCode(phone);
  assert.match(code, /^\d{4,8}$/);
  await page
    .locator('[data-test=send-code]')
    .getByText(/\d+ 秒后重发/)
    .waitFor();
  assert.ok(await page.locator('[data-test=send-code]').isDisabled());
  const wrong = code === '000000' ? '111111' : '000000';
  await page.locator('[data-test=sms-code] input').fill(wrong);
  await page.locator('[data-test=submit]').click();
  await page.locator('.van-toast').getByText('验证码错误或已过期，请重新获取').waitFor();
  await screenshot(page, 'app-02b-register-wrong-code');
  await page.locator('[data-test=sms-code] input').fill(code);
  await shot(page, 'app-02c-register-sms');
  await page.locator('[data-test=submit]').click();
  await page.waitForURL(/\/app\/map/);

  // ---- the nearest station: on the map (marker) and first in the list
  const nearby = await stack.api(
    'GET',
    `/stations/nearby?lng=${SHANGHAI.longitude}&lat=${SHANGHAI.latitude}`,
    undefined,
    await stack.driverToken(phone, password),
  );
  const nearest = nearby.items[0];
  assert.equal(nearest.name, '上海人民广场充电站');
  await page.locator(`[data-test=marker][data-station-id="${nearest.id}"]`).waitFor();
  await page.locator('.nearest [data-test=station-item]').getByText(nearest.name).waitFor();
  await shot(page, 'app-03-map');
  await page.locator('[data-test=view-list]').click();
  const first = page.locator('[data-test=station-list] [data-test=station-item]').first();
  await first.waitFor();
  assert.equal(await first.getAttribute('data-station-id'), String(nearest.id));
  assert.match(await first.locator('[data-test=distance]').innerText(), /^\d+ m$/);
  await shot(page, 'app-04-list');

  // Filters and search (the API only: no map tiles are needed).
  await page.locator('[data-test=filter-dc]').click();
  await page.locator('[data-test=filter-available]').click();
  await first.waitFor();
  assert.equal(await first.getAttribute('data-station-id'), String(nearest.id));
  await page.locator('[data-test=filter-dc]').click();
  await page.locator('[data-test=filter-available]').click();
  await page.locator('[data-test=search] input').fill('北京');
  await page.locator('[data-test=search] input').press('Enter');
  await page.locator('[data-test=station-list] [data-test=station-item]').getByText('北京国贸充电站').waitFor();
  assert.equal(await page.locator('[data-test=station-list] [data-test=station-item]').count(), 1);
  assert.match(await first.locator('[data-test=distance]').innerText(), /^\d+ km$/);
  await shot(page, 'app-04b-search');
  await page.locator('[data-test=search] input').fill('');
  await page.locator('[data-test=search] input').press('Enter');
  await page.locator('[data-test=station-list] [data-test=station-item]').getByText(nearest.name).waitFor();

  // ---- the station sheet: prices, periods, connectors, navigation links with GCJ-02
  await first.click();
  const sheet = page.locator('[data-test=station-sheet]');
  await sheet.locator('[data-test=sheet-name]').waitFor();
  await sheet.locator('[data-test=periods]').waitFor();
  const amap = new URL(await sheet.locator('[data-test=nav-amap]').getAttribute('href'));
  assert.equal(amap.host, 'uri.amap.com');
  const [lng, lat] = amap.searchParams.get('position').split(',').map(Number);
  assert.ok(Math.abs(lng - nearest.location.gcj02.lng) < 1e-6 && Math.abs(lat - nearest.location.gcj02.lat) < 1e-6);
  assert.match(await sheet.locator('[data-test=nav-geo]').getAttribute('href'), /^geo:31\.2304/);
  assert.ok((await sheet.locator('[data-test=connector]').count()) >= 4);
  await page.waitForTimeout(400); // the sheet's slide-in animation
  await shot(page, 'app-05-station-sheet');
  await page.keyboard.press('Escape');
  await page.goto(`${stack.appUrl}me`);

  // ---- a new wallet is empty: top up ¥50 in the sandbox
  await page.locator('[data-test=balance]').getByText('¥0.00').waitFor();
  assert.equal(await text(page, '[data-test=phone-masked]'), `${phone.slice(0, 3)}****${phone.slice(-4)}`);
  await shot(page, 'app-06-me');
  await page.locator('[data-test=topup]').click();
  await page.locator('[data-test=amount-5000]').click();
  await shot(page, 'app-07-topup');
  await page.locator('[data-test=pay]').click();
  await page.waitForURL(/\/app\/me$/);
  await page.locator('[data-test=balance]').getByText('¥50.00').waitFor();
  await page.locator('[data-test=ledger-link]').click();
  await page.locator('[data-test=ledger-row]').getByText('+¥50.00').waitFor();
  await shot(page, 'app-08-ledger');

  // ---- scan: the label's QR code as an image file fed to the scanner's file input
  const charger = await stack.api('GET', `/chargers/${CHARGER}`, undefined, await stack.driverToken(phone, password));
  const qrContent = charger.connectors.find((c) => c.number === 1).qr_content;
  assert.equal(qrContent, `${stack.baseUrl}/app/c/${CHARGER}/1`);
  const qrFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kw-qr-')), 'label.png');
  await QRCode.toFile(qrFile, qrContent, { width: 360, margin: 4 });
  await page.goto(`${stack.appUrl}scan`);
  await page.locator('[data-test=start-camera]').waitFor();
  await shot(page, 'app-09-scan');
  await page.locator('[data-test=qr-file]').setInputFiles(qrFile);
  await page.waitForURL(new RegExp(`/app/c/${CHARGER}/1$`));
  await page.locator('[data-test=confirm-price]').waitFor();
  await page.locator('[data-test=confirm-balance]').getByText('¥50.00').waitFor();
  await shot(page, 'app-10-confirm');

  // ---- start, and watch power and energy grow
  await page.locator('[data-test=start]').click();
  await page.waitForURL(/\/app\/charging\/\d+$/);
  const orderId = Number(page.url().split('/').pop());
  await waitFor(async () => (await page.locator('[data-test=charging-page]').getAttribute('data-state')) === 'charging', {
    timeoutMs: 30000,
    what: 'the order to be charging',
  });
  await waitFor(async () => number(await text(page, '[data-test=live-power]')) > 0, { timeoutMs: 20000, what: 'power > 0' });
  const energy1 = number(await text(page, '[data-test=live-energy]'));
  await waitFor(async () => number(await text(page, '[data-test=live-energy]')) > energy1 + 0.01, {
    timeoutMs: 20000,
    what: 'energy to grow',
  });
  await page.locator('[data-test=live-soc]').waitFor(); // DC: the battery's SoC
  await shot(page, 'app-11-charging');

  // A reload keeps the session on screen, and it keeps growing.
  await page.reload();
  await waitFor(async () => (await page.locator('[data-test=charging-page]').getAttribute('data-state')) === 'charging', {
    timeoutMs: 15000,
    what: 'the live screen after a reload',
  });
  const energy2 = number(await text(page, '[data-test=live-energy]'));
  assert.ok(energy2 >= energy1);
  await waitFor(async () => number(await text(page, '[data-test=live-energy]')) > energy2, {
    timeoutMs: 20000,
    what: 'energy to grow after the reload',
  });

  // ---- stop; the final bill
  await page.locator('[data-test=stop]').click();
  await page.locator('.van-dialog__confirm').click();
  await waitFor(async () => (await page.locator('[data-test=charging-page]').getAttribute('data-state')) === 'settled', {
    timeoutMs: 30000,
    what: 'the order to be settled',
  });
  await page.locator('[data-test=bill]').waitFor();
  await shot(page, 'app-12-bill', { fullPage: true });

  const token = await stack.driverToken(phone, password);
  const order = await stack.api('GET', `/orders/${orderId}`, undefined, token);
  assert.equal(order.state, 'settled');
  assert.equal(order.stop_reason, 'driver');
  assert.ok(order.energy_wh > 0);
  // The screen shows exactly the API's bill ...
  assert.equal(await text(page, '[data-test=final-total]'), fen(order.total_fen));
  assert.equal(await text(page, '[data-test=bill-total]'), fen(order.total_fen));
  assert.equal(await text(page, '[data-test=bill-energy]'), kwh(order.energy_wh));
  assert.equal(await text(page, '[data-test=bill-electricity]'), fen(order.electricity_fen));
  assert.equal(await text(page, '[data-test=bill-service]'), fen(order.service_fen));
  assert.equal(await text(page, '[data-test=bill-paid]'), fen(order.paid_fen));
  assert.equal(await text(page, '[data-test=stop-reason]'), '您手动结束');
  // ... and the API's bill is the tariff arithmetic on the order's energy, period by period.
  assert.ok(order.segments.length >= 1);
  assert.equal(await page.locator('[data-test=segment]').count(), order.segments.length);
  let energy = 0;
  let electricity = 0;
  let service = 0;
  for (const s of order.segments) {
    const price = order.tariff.prices[s.kind];
    assert.equal(s.electricity_fen, fee(s.energy_wh, price.electricity), `electricity of ${s.kind}`);
    assert.equal(s.service_fen, fee(s.energy_wh, price.service), `service of ${s.kind}`);
    energy += s.energy_wh;
    electricity += s.electricity_fen;
    service += s.service_fen;
  }
  assert.equal(energy, order.energy_wh);
  assert.equal(electricity, order.electricity_fen);
  assert.equal(service, order.service_fen);
  assert.equal(order.total_fen, electricity + service);
  assert.equal(order.paid_fen, order.total_fen);
  const wallet = await stack.api('GET', '/wallet', undefined, token);
  assert.equal(wallet.balance_fen, 5000 - order.paid_fen);

  // ---- the order in the list and its detail
  await page.locator('[data-test=view-order]').click();
  await page.locator('[data-test=order-detail] [data-test=bill-total]').getByText(fen(order.total_fen)).waitFor();
  await shot(page, 'app-13-order-detail', { fullPage: true });
  await page.goto(`${stack.appUrl}orders`);
  const item = page.locator(`[data-test=order-item][data-order-id="${orderId}"]`);
  await item.waitFor();
  assert.equal(await item.locator('[data-test=state-chip]').innerText(), '已完成');
  await shot(page, 'app-14-orders');

  // ---- English, then log out
  await page.goto(`${stack.appUrl}me`);
  await page.locator('[data-test=lang-en]').click();
  await page.getByText('Wallet history').waitFor();
  await shot(page, 'app-15-me-en');
  await page.locator('[data-test=logout]').click();
  await page.locator('.van-dialog__confirm').click();
  await page.waitForURL(/\/app\/login/);
  await page.getByText('Log in').first().waitFor();

  assertNoPageErrors(page);
  await context.close();
});
