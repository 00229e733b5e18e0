// Accessibility checks for every journey: axe-core (web/node_modules/axe-core), injected into the
// page under test, on every page a journey visits. launchBrowser (stack.mjs) audits every page of
// every context it creates, so no journey can forget it:
//   - after each main-frame navigation (a load or a router push/replace), once the page settled;
//   - right before each screenshot (stack.mjs screenshot(), which every shot() helper calls);
// and a critical or serious finding fails the journey: screenshot() throws it at once, and closing
// the context (or the browser) throws the ones found since. Moderate/minor findings are ignored.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let axeSource;

function axeScript() {
  if (!axeSource) {
    const require = createRequire(path.join(repoRoot, 'web', 'package.json'));
    let file;
    try {
      file = require.resolve('axe-core/axe.min.js');
    } catch {
      throw new Error('axe-core not installed: run `npm ci --prefix web`');
    }
    axeSource = fs.readFileSync(file, 'utf8');
  }
  return axeSource;
}

const BLOCKING = new Set(['critical', 'serious']);

// Closing never waits on a check for more than this: a browser that died mid-check must fail the
// journey, not hang it.
const CLOSE_WAIT_MS = 30000;
function settled(page) {
  return Promise.race([page.kwA11y?.chain, new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())]);
}

// Runs in the page. Waits for running transitions (a fading dialog has no final colours yet; looping
// spinners are cut off after a second) and asks axe for the violations; a finding counts only when
// a second look a moment later still has it, so a box caught mid-fade is not a finding.
async function runAxe() {
  const moving = () => document.getAnimations().filter((a) => a.playState === 'running' && a.effect?.getTiming().iterations !== Infinity);
  // Vue's <Transition> marks an entering/leaving element with *-enter-active / *-leave-active.
  const transitioning = () => document.querySelector('[class*="-enter-active"], [class*="-leave-active"]');
  const look = async () => {
    await Promise.race([Promise.all(moving().map((a) => a.finished.catch(() => {}))), new Promise((resolve) => setTimeout(resolve, 1000))]);
    for (let waited = 0; transitioning() && waited < 3000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    const { violations } = await window.axe.run(document, { resultTypes: ['violations'] });
    return violations;
  };
  const first = await look();
  if (!first.length) return [];
  await new Promise((resolve) => setTimeout(resolve, 400));
  const seen = new Set(first.flatMap((v) => v.nodes.map((n) => `${v.id} ${n.target.join(' ')}`)));
  return (await look())
    .map((v) => ({ ...v, nodes: v.nodes.filter((n) => seen.has(`${v.id} ${n.target.join(' ')}`)) }))
    .filter((v) => v.nodes.length)
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      targets: v.nodes.map((n) => n.target.join(' ')),
      html: v.nodes.map((n) => n.html.slice(0, 160)),
    }));
}

function state(page) {
  if (!page.kwA11y) page.kwA11y = { findings: new Map(), chain: Promise.resolve(), pending: false };
  return page.kwA11y;
}

/**
 * Runs axe-core on the page now (after any check already running on it) and records its
 * critical/serious findings on the page. A page that navigates away meanwhile is simply skipped:
 * the navigation schedules its own check.
 */
export function checkA11y(page) {
  const s = state(page);
  const run = s.chain.then(async () => {
    if (page.isClosed()) return;
    try {
      await page.waitForLoadState('load', { timeout: 10000 });
      const hasAxe = await page.evaluate(() => typeof window.axe === 'object');
      // evaluate, not addScriptTag: an inline <script> would be refused by the apps' CSP.
      if (!hasAxe) await page.evaluate(axeScript());
      const url = page.url();
      for (const v of await page.evaluate(runAxe)) {
        if (!BLOCKING.has(v.impact)) continue;
        v.targets.forEach((target, i) => s.findings.set(`${url} ${v.id} ${target}`, { ...v, url, target, html: v.html[i] }));
      }
    } catch (e) {
      if (page.isClosed() || /context was destroyed|navigat|Target .*closed|closed/i.test(e.message ?? '')) return;
      throw e;
    }
  });
  s.chain = run.catch(() => {}); // a failed check is the caller's; the next one still runs
  return run;
}

/** Checks the page after every main-frame navigation (coalesced while one is waiting). */
export function auditPage(page) {
  page.on('framenavigated', (frame) => {
    if (frame !== page.mainFrame()) return;
    const s = state(page);
    if (s.pending) return;
    s.pending = true;
    // let the router render the page first; later navigations meanwhile share this check
    s.chain = s.chain
      .then(() => new Promise((resolve) => setTimeout(resolve, 300)))
      .then(() => {
        s.pending = false;
      });
    checkA11y(page).catch((e) => {
      s.findings.set(`error ${e.message}`, {
        url: page.url(),
        id: 'axe-error',
        impact: 'critical',
        target: '-',
        help: e.message,
        helpUrl: '',
      });
    });
  });
}

/** The findings recorded on the page, one line each: [impact] rule — target — help (url). */
export function a11yFindings(page) {
  return [...(page.kwA11y?.findings.values() ?? [])].map(
    (f) => `[${f.impact}] ${f.id} — ${f.target} — ${f.help} (${f.helpUrl}) on ${f.url}`,
  );
}

/** Throws when the page had a critical or serious finding. */
export async function assertAccessible(page) {
  await page.kwA11y?.chain;
  const lines = a11yFindings(page);
  page.kwA11y?.findings.clear(); // reported once: the next check of the same page starts clean
  if (lines.length) throw new Error(`axe-core: ${lines.length} critical/serious finding(s):\n  ${lines.join('\n  ')}`);
}

/**
 * Makes the browser audit every page of every context it creates, and makes context.close() and
 * browser.close() fail on the findings not reported yet (after closing, so nothing is left open).
 */
export function auditBrowser(browser) {
  const pages = new Set();
  const report = async (list) => {
    const lines = [];
    for (const page of list) {
      await settled(page);
      lines.push(...a11yFindings(page));
      page.kwA11y?.findings.clear();
      pages.delete(page);
    }
    if (lines.length) throw new Error(`axe-core: ${lines.length} critical/serious finding(s):\n  ${lines.join('\n  ')}`);
  };
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args) => {
    const context = await newContext(...args);
    context.on('page', (page) => {
      pages.add(page);
      auditPage(page);
    });
    const close = context.close.bind(context);
    context.close = async (...closeArgs) => {
      const mine = [...pages].filter((p) => p.context() === context);
      await Promise.all(mine.map(settled));
      await close(...closeArgs);
      await report(mine);
    };
    return context;
  };
  const closeBrowser = browser.close.bind(browser);
  browser.close = async (...args) => {
    await Promise.all([...pages].map(settled));
    const left = [...pages];
    await closeBrowser(...args);
    await report(left);
  };
  return browser;
}
