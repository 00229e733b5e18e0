// Driver app journey: log in, scan a charger's QR code with the camera (Chromium's fake camera plays
// a generated QR code), schedule a session a few seconds ahead with an energy limit, watch the
// schedule fire and the session start, run and stop on its own at the limit; cancel another
// schedule; the form refuses a start time in the past.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { assertNoPageErrors, logIn, openPhone, shot } from './lib/app.mjs';
import { launchBrowser, repoRoot, startStack, waitFor } from './lib/stack.mjs';

const QRCode = createRequire(path.join(repoRoot, 'web', 'package.json'))('qrcode');

const CHARGER = 'SH-AC-01';

let stack;
let browser;
let tmp;

// A Y4M video (what Chromium's fake camera plays) showing the QR code of `text`, black on white.
function qrVideo(text, file) {
  const W = 640;
  const H = 480;
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const scale = Math.floor(360 / size);
  const left = Math.floor((W - size * scale) / 2);
  const top = Math.floor((H - size * scale) / 2);
  const y = Buffer.alloc(W * H, 235);
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++)
      if (qr.modules.get(r, c))
        for (let dy = 0; dy < scale; dy++)
          y.fill(16, (top + r * scale + dy) * W + left + c * scale, (top + r * scale + dy) * W + left + (c + 1) * scale);
  const chroma = Buffer.alloc((W / 2) * (H / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma, chroma]);
  fs.writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`), frame, frame, frame]));
}

before(async () => {
  stack = await startStack({ demo: true });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-cam-'));
  const video = path.join(tmp, 'qr.y4m');
  qrVideo(`${stack.baseUrl}/app/c/${CHARGER}/1`, video);
  browser = await launchBrowser({
    args: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
  });
});

after(async () => {
  try {
    await browser?.close();
  } finally {
    await stack?.stop();
  }
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('a driver scans with the camera, schedules a session that starts by itself, and cancels another', async () => {
  const { context, page } = await openPhone(browser, { permissions: ['geolocation', 'camera'] });

  // ---- log in (wrong password first)
  await page.goto(`${stack.appUrl}scan`);
  await page.waitForURL(/\/app\/login\?redirect=/);
  await logIn(page, undefined, 'Wrong1234');
  await page.locator('.van-toast').getByText('手机号或密码错误').waitFor();
  await logIn(page);
  await page.waitForURL(/\/app\/scan$/); // back where the driver was going

  // ---- the camera reads the label
  await page.locator('[data-test=start-camera]').click();
  await page.waitForURL(new RegExp(`/app/c/${CHARGER}/1$`), { timeout: 20000 });
  await page.locator('[data-test=confirm-price]').waitFor();
  await page.locator('[data-test=schedule-instead]').click();
  await page.waitForURL(/\/app\/schedules\/new\?/);
  await page.locator('[data-test=schedule-connector]').getByText(`${CHARGER} · 1 号枪`).waitFor();

  // A start time in the past is refused by the form.
  // The value as Chromium keeps it: a datetime-local input drops ":00" seconds, and Playwright's
  // fill refuses a value the input does not keep as given ("Malformed value", once a minute).
  const localInput = (ms) =>
    page.evaluate((ms) => {
      const d = new Date(ms);
      const p = (n) => String(n).padStart(2, '0');
      const seconds = d.getSeconds() ? `:${p(d.getSeconds())}` : '';
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}${seconds}`;
    }, ms);
  await page.locator('[data-test=start-at]').fill(await localInput(Date.now() - 3600_000));
  await page.locator('[data-test=create-schedule]').click();
  await page.getByText('开始时间已过去').waitFor();

  // ---- a schedule 8 s ahead, stopping at 0.02 kWh
  await page.locator('[data-test=limit-energy]').click();
  await page.locator('[data-test=limit-value] input').fill('0.02');
  const startAt = Date.now() + 8000;
  await page.locator('[data-test=start-at]').fill(await localInput(startAt));
  await shot(page, 'app-20-schedule-new');
  await page.locator('[data-test=create-schedule]').click();
  await page.waitForURL(/\/app\/schedules$/);
  const item = page.locator('[data-test=schedule-item]').first();
  await item.waitFor();
  assert.equal(await item.getAttribute('data-state'), 'pending');
  await shot(page, 'app-21-schedules-pending');

  const token = await stack.driverToken();
  const [schedule] = (await stack.api('GET', '/schedules', undefined, token)).items;
  assert.equal(schedule.charger_code, CHARGER);
  assert.equal(schedule.limits.energy_wh, 20);
  assert.ok(Math.abs(Date.parse(schedule.start_at) - startAt) < 1500, 'start_at is what was picked, to the second');

  // ---- it fires: the list shows it started and links to the session
  await waitFor(async () => (await item.getAttribute('data-state')) === 'fired', { timeoutMs: 30000, what: 'the schedule to fire' });
  await shot(page, 'app-22-schedule-fired');
  await item.locator('[data-test=schedule-order]').click();
  await page.waitForURL(/\/app\/charging\/\d+$/);
  const orderId = Number(page.url().split('/').pop());
  await waitFor(
    async () => ['charging', 'stopping', 'settled'].includes(await page.locator('[data-test=charging-page]').getAttribute('data-state')),
    { timeoutMs: 30000, what: 'the scheduled session to start' },
  );
  if ((await page.locator('[data-test=charging-page]').getAttribute('data-state')) === 'charging')
    await shot(page, 'app-23-schedule-charging');

  // ---- it stops by itself at the energy limit, and the screen shows why
  await waitFor(async () => (await page.locator('[data-test=charging-page]').getAttribute('data-state')) === 'settled', {
    timeoutMs: 60000,
    what: 'the session to stop at its limit',
  });
  await page.locator('[data-test=stop-reason]').getByText('达到设定电量').waitFor();
  await shot(page, 'app-24-schedule-bill', { fullPage: true });
  const order = await stack.api('GET', `/orders/${orderId}`, undefined, token);
  assert.equal(order.schedule_id, schedule.id);
  assert.equal(order.stop_reason, 'limit_energy');
  assert.ok(order.energy_wh >= 20);

  // ---- another schedule, tonight's off-peak; then cancel it
  await page.goto(`${stack.appUrl}schedules/new?code=${CHARGER}&n=1`);
  await page.getByText('谷时 23:00').click();
  await page.locator('[data-test=create-schedule]').click();
  await page.waitForURL(/\/app\/schedules$/);
  const pending = page.locator('[data-test=schedule-item][data-state=pending]').first();
  await pending.waitFor();
  await pending.locator('[data-test=cancel-schedule]').click();
  await page.locator('.van-dialog__confirm').click();
  await page.locator('[data-test=schedule-item][data-state=cancelled]').first().waitFor();
  await shot(page, 'app-25-schedules');
  const after = (await stack.api('GET', '/schedules', undefined, token)).items;
  assert.deepEqual(after.map((s) => s.state).sort(), ['cancelled', 'fired']);

  assertNoPageErrors(page);
  await context.close();
});
