// Driver app journey: the app installs its service worker; with the network gone (the browser
// offline and the server stopped) a reload still renders the shell, which says it is offline, and
// the installable manifest is served.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoPageErrors, logIn, openPhone, shot } from './lib/app.mjs';
import { launchBrowser, startStack, waitFor } from './lib/stack.mjs';

let stack;
let browser;

before(async () => {
  stack = await startStack({ demo: true, sim: false });
  browser = await launchBrowser();
});

after(async () => {
  try {
    await browser?.close();
  } finally {
    await stack?.stop();
  }
});

test('the app shell loads offline from the service worker and says it is offline', async () => {
  const { context, page } = await openPhone(browser);

  // The manifest makes it installable: name, standalone, start_url in scope, 192 and 512 px icons.
  const manifest = await (await fetch(`${stack.appUrl}manifest.webmanifest`)).json();
  assert.equal(manifest.display, 'standalone');
  assert.equal(manifest.start_url, '/app/');
  for (const size of ['192x192', '512x512']) {
    const icon = manifest.icons.find((i) => i.sizes === size && i.type === 'image/png');
    assert.ok(icon, `a ${size} PNG icon`);
    assert.equal((await fetch(`${stack.baseUrl}${icon.src}`)).status, 200);
  }

  await page.goto(stack.appUrl);
  await logIn(page);
  await page.waitForURL(/\/app\/map/);
  assert.equal(await page.evaluate(() => document.querySelector('link[rel=manifest]')?.getAttribute('href')), '/app/manifest.webmanifest');

  // The service worker is installed (whole shell precached) and controls the page.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await waitFor(() => page.evaluate(() => !!navigator.serviceWorker.controller), { what: 'the service worker to control the page' });
  const cached = await page.evaluate(async () => {
    const keys = await caches.keys();
    const cache = await caches.open(keys.find((k) => k.startsWith('kw-app-')));
    return (await cache.keys()).map((r) => new URL(r.url).pathname);
  });
  assert.ok(cached.includes('/app/index.html') && cached.some((p) => /\/app\/assets\/index-.*\.js$/.test(p)), cached.join(' '));

  // No network at all: the browser offline and the server gone.
  await context.setOffline(true);
  await stack.stop();
  await page.reload();
  await page.locator('[data-test=offline-banner]').getByText('当前处于离线状态').waitFor();
  await page.locator('.van-search').waitFor(); // the map page's shell rendered
  await page.locator('.van-tabbar').waitFor();
  await shot(page, 'app-30-offline');

  // Another screen of the app, opened by URL while offline.
  await page.goto(`${stack.appUrl}orders`);
  await page.locator('[data-test=offline-banner]').waitFor();
  await page.locator('.van-nav-bar').getByText('我的订单').waitFor();

  assertNoPageErrors(page);
  await context.close();
});
