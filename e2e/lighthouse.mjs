// Lighthouse (mobile preset: Moto G-class viewport, simulated slow 4G and 4x CPU slowdown) on the
// driver app's first page, served by the real server of an e2e stack (kilowatt + Mosquitto + Redis,
// demo data, built apps from web/*/dist). Prints performance and accessibility for each run and the
// median of the runs. Not a pass/fail step of `make test`: scores move with the machine's load.
//
//   bash scripts/web.sh && node e2e/lighthouse.mjs [--runs 3] [--out DIR] [path ...]   (paths under /app/,
//   default "" = /app/, which lands on the login page). Needs chromium (CHROME_PATH, default
//   /usr/bin/chromium) and the C++ binaries (KW_BUILD_DIR, as for the journeys). Lighthouse itself is not
//   in web/package.json: its dependencies ask for "latest" versions, which Debian 12's npm 9 cannot
//   read in a lock file (`npm ci` refuses the whole lock), so `npx` fetches the pinned version here.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack } from './lib/stack.mjs';

const args = process.argv.slice(2);
let runs = 3;
let out = null; // --out DIR keeps every run's JSON report there
const paths = [];
for (let i = 0; i < args.length; ++i) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else if (args[i] === '--out') out = args[++i];
  else paths.push(args[i].replace(/^\//, ''));
}
if (!paths.length) paths.push('');
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive integer');

const LIGHTHOUSE = 'lighthouse@12.8.2';
const chrome = process.env.CHROME_PATH ?? '/usr/bin/chromium';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function lighthouse(url, out) {
  const r = spawnSync(
    'npx',
    [
      '--yes',
      LIGHTHOUSE,
      url,
      '--quiet',
      '--output=json',
      `--output-path=${out}`,
      '--only-categories=performance,accessibility',
      '--chrome-flags=--headless --no-sandbox --disable-gpu',
    ],
    { env: { ...process.env, CHROME_PATH: chrome }, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`lighthouse failed on ${url}: ${r.stderr || r.stdout}`);
  const report = JSON.parse(fs.readFileSync(out, 'utf8'));
  if (report.runtimeError) throw new Error(`lighthouse on ${url}: ${report.runtimeError.message}`);
  const failed = Object.values(report.audits)
    .filter((a) => a.score !== null && a.score < 1 && report.categories.accessibility.auditRefs.some((r) => r.id === a.id && r.weight > 0))
    .map((a) => a.id);
  return {
    performance: Math.round(report.categories.performance.score * 100),
    accessibility: Math.round(report.categories.accessibility.score * 100),
    lcp: report.audits['largest-contentful-paint'].numericValue,
    fcp: report.audits['first-contentful-paint'].numericValue,
    tbt: report.audits['total-blocking-time'].numericValue,
    failed,
  };
}

// KW_APP_ROOT: another build of the app to measure (e.g. one of an older commit).
const stack = await startStack({ demo: true, sim: false, appRoot: process.env.KW_APP_ROOT });
const dir = out ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kw-lighthouse-'));
fs.mkdirSync(dir, { recursive: true });
try {
  for (const p of paths) {
    const url = stack.appUrl + p;
    const results = [];
    for (let i = 1; i <= runs; ++i) {
      const r = lighthouse(url, path.join(dir, `${p.replace(/\W+/g, '-') || 'app'}-run-${i}.json`));
      results.push(r);
      console.log(
        `/app/${p} run ${i}: performance ${r.performance}, accessibility ${r.accessibility}, ` +
          `FCP ${Math.round(r.fcp)} ms, LCP ${Math.round(r.lcp)} ms, TBT ${Math.round(r.tbt)} ms` +
          (r.failed.length ? `; accessibility audits below 1: ${r.failed.join(', ')}` : ''),
      );
    }
    console.log(
      `/app/${p} median of ${runs}: performance ${median(results.map((r) => r.performance))}, ` +
        `accessibility ${median(results.map((r) => r.accessibility))}, LCP ${Math.round(median(results.map((r) => r.lcp)))} ms`,
    );
  }
} finally {
  if (!out) fs.rmSync(dir, { recursive: true, force: true });
  await stack.stop();
}
