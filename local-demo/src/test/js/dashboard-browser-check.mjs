// Drives the live dashboard in Debian's chromium (playwright-core, never a downloaded browser)
// for DashboardBrowserTest, which seeds DynamoDB Local, starts the dashboard and runs this script:
//
//   node dashboard-browser-check.mjs --url URL --chromium /usr/bin/chromium --expect FILE --out DIR
//
// 1. opens the page, waits until the leaderboard and every chart have data (Chart.js instances
//    and coloured pixels on each canvas), checks the leaderboard's order and values and what each
//    stage plays against FILE, saves DIR/dashboard.png;
// 2. prints "STEP write-update" and waits for "GO <json>" on stdin (the test has written a new
//    window to DynamoDB meanwhile): the new window must show without a reload; DIR/dashboard-updated.png;
// 3. "STEP write-hostile": a stage and artist named like HTML must show as text and run nothing.
// Any console error, page error, dialog or failed request fails the run. Exit 0 = all passed;
// otherwise the reason is printed and DIR/failure.png saved.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const WAIT_MS = 30_000;

function options(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error('usage: --url URL --chromium PATH --expect FILE --out DIR');
    o[argv[i].slice(2)] = argv[i + 1];
  }
  for (const k of ['url', 'chromium', 'expect', 'out']) if (!o[k]) throw new Error('missing --' + k);
  return o;
}

const opts = options(process.argv.slice(2));
const expected = JSON.parse(readFileSync(opts.expect, 'utf8'));
mkdirSync(opts.out, { recursive: true });
const stdin = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const problems = [];   // console errors, page errors, dialogs, failed requests
const started = Date.now();

function log(msg) { console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${msg}`); }
function check(cond, msg) { if (!cond) throw new Error('assertion failed: ' + msg); }

/** Tells the test to act, returns the JSON it answers with ("GO {...}"). */
async function step(name) {
  console.log('STEP ' + name);
  const { value, done } = await stdin.next();
  if (done || !value.startsWith('GO ')) throw new Error(`no answer to STEP ${name}: ${value}`);
  return JSON.parse(value.slice(3));
}

/** What the page shows, read from the DOM and the Chart.js instances. */
function readPage(page) {
  return page.evaluate(() => {
    const text = (e) => (e ? e.textContent : null);
    const series = (canvas) => {
      const chart = Chart.getChart(canvas);
      if (!chart) return null;
      return chart.data.datasets.map((d) => ({
        label: d.label,
        points: d.data.filter((p) => p.y !== null && p.y !== undefined).length,
        xs: d.data.map((p) => p.x)
      }));
    };
    // pixels that are clearly coloured (chart lines), not the grey grid, text or background
    // (read from a copy made for reading, so the page's own canvases stay as they are)
    const coloured = (canvas) => {
      const copy = document.createElement('canvas');
      copy.width = canvas.width;
      copy.height = canvas.height;
      const ctx = copy.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(canvas, 0, 0);
      const px = ctx.getImageData(0, 0, copy.width, copy.height).data;
      let n = 0;
      for (let i = 0; i < px.length; i += 4) {
        const [r, g, b, a] = [px[i], px[i + 1], px[i + 2], px[i + 3]];
        if (a > 200 && Math.max(r, g, b) - Math.min(r, g, b) > 80) n++;
      }
      return n;
    };
    const energy = document.getElementById('energy-chart');
    return {
      status: text(document.getElementById('status')),
      refreshes: Number(document.body.dataset.refreshes || 0),
      window: text(document.getElementById('leaderboard-window')),
      range: text(document.getElementById('range')),
      leaderboard: [...document.querySelectorAll('#leaderboard tbody tr')].map((tr) => ({
        rank: text(tr.querySelector('.rank')), stage: text(tr.querySelector('.stage')),
        energy: text(tr.querySelector('.energy')), coverage: text(tr.querySelector('.coverage')),
        dominant: text(tr.querySelector('.dominant')), playing: text(tr.querySelector('.playing'))
      })),
      energyChart: { series: series(energy), coloured: coloured(energy) },
      stages: [...document.querySelectorAll('#stages article.stage-card')].map((a) => {
        const canvas = a.querySelector('canvas');
        return {
          stage: a.dataset.stage, title: text(a.querySelector('h3')), playing: text(a.querySelector('.playing')),
          series: series(canvas), coloured: coloured(canvas)
        };
      })
    };
  });
}

/** Polls readPage until ready(view) is true; returns that view. */
async function waitFor(page, what, ready) {
  const deadline = Date.now() + WAIT_MS;
  let view;
  while (Date.now() < deadline) {
    view = await readPage(page);
    if (ready(view)) return view;
    await page.waitForTimeout(250);
  }
  throw new Error(`timed out after ${WAIT_MS} ms waiting for ${what}; page shows ${JSON.stringify(view, null, 1)}`);
}

const chartsFull = (stages, minPoints) => (v) =>
  v.leaderboard.length === stages &&
  v.stages.length === stages &&
  v.energyChart.series && v.energyChart.series.length === stages &&
  v.energyChart.series.every((s) => s.points >= minPoints) && v.energyChart.coloured > 500 &&
  v.stages.every((s) => s.series && s.series.length === 9 && s.series.every((d) => d.points >= minPoints) && s.coloured > 500);

function checkLeaderboard(view, rows) {
  check(view.leaderboard.length === rows.length, `leaderboard has ${view.leaderboard.length} rows, expected ${rows.length}`);
  rows.forEach((want, i) => {
    const got = view.leaderboard[i];
    check(got.rank === String(i + 1), `row ${i + 1} rank ${got.rank}`);
    check(got.stage === want.stage, `row ${i + 1} is ${got.stage}, expected ${want.stage}`);
    check(Math.abs(parseFloat(got.energy) - want.energy) <= 0.051, `${want.stage} energy ${got.energy}, expected ${want.energy}`);
    check(got.coverage === Math.round(want.coverage * 100) + ' %', `${want.stage} coverage ${got.coverage}, expected ${want.coverage}`);
    check(got.dominant.startsWith(want.dominant + ' '), `${want.stage} dominant ${got.dominant}, expected ${want.dominant}`);
    check(got.playing === want.playing, `${want.stage} playing "${got.playing}", expected "${want.playing}"`);
  });
}

function checkPlaying(view, playing) {
  for (const [stage, text] of Object.entries(playing)) {
    const card = view.stages.find((s) => s.stage === stage);
    check(card, `no card for stage ${stage}`);
    check(card.title === stage, `card title ${card.title}`);
    check(card.playing === text, `${stage} shows "${card.playing}", expected "${text}"`);
  }
}

let browser;
let page;
try {
  browser = await chromium.launch({
    executablePath: opts.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync']
  });
  log(`chromium ${browser.version()} (${opts.chromium})`);
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 });
  page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('dialog', (d) => { problems.push('dialog: ' + d.message()); d.dismiss(); });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure() && r.failure().errorText}`));
  let navigations = 0;
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations++; });

  await page.goto(opts.url, { waitUntil: 'load' });
  await page.evaluate(() => { window.__loadMarker = 'first load'; });
  log('page loaded: ' + opts.url);

  // 1. initial data
  const first = await waitFor(page, 'leaderboard and charts with data', chartsFull(expected.stages.length, expected.minPoints));
  log(`charts have data after ${first.refreshes} refreshes: ${first.status}`);
  check(JSON.stringify(first.stages.map((s) => s.stage)) === JSON.stringify(expected.stages), 'stage cards ' + first.stages.map((s) => s.stage));
  check(first.status.startsWith('updated '), 'status ' + first.status);
  check(first.range === expected.range, 'range label ' + first.range);
  checkLeaderboard(first, expected.leaderboard);
  checkPlaying(first, expected.playing);
  log('leaderboard: ' + first.leaderboard.map((r) => `${r.rank}. ${r.stage} ${r.energy} (${r.coverage}, ${r.dominant}, ${r.playing})`).join('; '));
  await page.screenshot({ path: join(opts.out, 'dashboard.png'), fullPage: true });
  log('screenshot ' + join(opts.out, 'dashboard.png'));

  // 2. a window written after the page loaded shows without a reload
  const update = await step('write-update');
  const second = await waitFor(page, 'the new window ' + update.windowStart, (v) =>
    v.leaderboard.length > 0 && v.leaderboard[0].stage === update.leaderboard[0].stage &&
    v.stages.every((s) => s.series && s.series.every((d) => d.xs.includes(update.windowStart))));
  checkLeaderboard(second, update.leaderboard);
  checkPlaying(second, update.playing);
  check(second.window !== first.window, 'leaderboard window label did not change: ' + second.window);
  check(await page.evaluate(() => window.__loadMarker) === 'first load', 'the page was reloaded');
  check(navigations === 1, `${navigations} navigations`);
  check(second.refreshes > first.refreshes, 'no refresh counted');
  log(`new window shown after refresh ${second.refreshes}, no reload; leaderboard now ` +
    second.leaderboard.map((r) => `${r.stage} ${r.energy}`).join(', '));
  await page.screenshot({ path: join(opts.out, 'dashboard-updated.png'), fullPage: true });

  // 3. names from cameras and setlists are text, never markup
  const hostile = await step('write-hostile');
  const third = await waitFor(page, 'the hostile stage', (v) => v.stages.some((s) => s.stage === hostile.stage));
  checkPlaying(third, { [hostile.stage]: hostile.playing });
  check(third.leaderboard.some((r) => r.stage === hostile.stage && r.playing === hostile.leaderboardPlaying),
    'hostile row ' + JSON.stringify(third.leaderboard));
  const injected = await page.evaluate(() => ({
    xss: window.__xss === undefined ? null : window.__xss,
    elements: document.querySelectorAll('img, b, main script, td script, article script').length
  }));
  check(injected.xss === null && injected.elements === 0, 'markup from data was interpreted: ' + JSON.stringify(injected));
  log('hostile names shown as text');

  check(problems.length === 0, 'browser reported problems:\n  ' + problems.join('\n  '));
  log('OK');
  await browser.close();
  process.exit(0);
} catch (e) {
  console.log('FAILED: ' + (e && e.stack ? e.stack : e));
  if (problems.length) console.log('browser problems:\n  ' + problems.join('\n  '));
  if (page) {
    try { await page.screenshot({ path: join(opts.out, 'failure.png'), fullPage: true }); console.log('screenshot ' + join(opts.out, 'failure.png')); } catch (ignored) { /* page gone */ }
  }
  if (browser) await browser.close().catch(() => {});
  process.exit(1);
}
