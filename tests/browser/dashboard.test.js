// Dashboard in a real browser: playwright-core driving Debian's chromium.
// KT_URL points at a running `kubetally serve` on the demo fleet (run.sh
// starts one).  Checks: overview renders with SVG charts, drill from the
// fleet to a pod, window and grouping changes, a CSV download whose totals
// equal the API's, the pages without JavaScript, a phone-width layout, no
// CSP violations, and a Server-Timing header on every page (its value is
// printed, not asserted: tests assert behaviour, bench/ measures speed).
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const os = require('os');
const path = require('path');

const BASE = process.env.KT_URL || 'http://127.0.0.1:9003';
const ART = path.resolve(__dirname, '..', 'artifacts');
fs.mkdirSync(ART, { recursive: true });

let failures = 0;
const serverTimes = [];
function ok(cond, what) {
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${what}`);
  if (!cond) failures++;
}

function watch(page, consoleErrors) {
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('response', (r) => {
    if (r.request().resourceType() !== 'document') return;
    const st = r.headers()['server-timing'] || '';
    const m = /dur=([0-9.]+)/.exec(st);
    if (m) serverTimes.push({ url: r.url(), ms: parseFloat(m[1]) });
  });
}

// Sum of the totalCost column of an allocation CSV.
function csvTotal(text) {
  const lines = text.trim().split('\n');
  const head = lines[0].split(',');
  const col = head.indexOf('totalCost');
  let sum = 0;
  for (const line of lines.slice(1)) {
    // names may be quoted and contain commas: take fields from the right
    const fields = line.split(',');
    sum += parseFloat(fields[fields.length - (head.length - col)]);
  }
  return sum;
}

async function apiTotal(request, query) {
  const r = await request.get(`${BASE}/allocation?${query}`);
  const body = await r.json();
  let sum = 0;
  for (const set of body.data) for (const k of Object.keys(set)) sum += set[k].totalCost;
  return sum;
}

async function svgBars(page) {
  return page.$$eval('figure.chart svg rect', (rs) => rs.filter((r) => r.getBBox().width > 0 && r.getBBox().height > 0).length);
}

async function drillToPod(page) {
  await page.goto(`${BASE}/ui/cost?window=7d`);
  const levels = ['cluster', 'namespace', 'controller', 'pod'];
  for (const level of levels) {
    const link = await page.$('#alloc a.drill');
    ok(!!link, `a drill link on the way to ${level}`);
    if (!link) return;
    await Promise.all([page.waitForNavigation(), link.click()]);
    const u = new URL(page.url());
    ok(u.searchParams.get('aggregate') === level, `drilled to aggregate=${level} (${u.searchParams.get('filter')})`);
  }
  const rows = await page.$$eval('#alloc tbody tr', (t) => t.length);
  ok(rows > 0, `pod level lists ${rows} pods`);
  const crumbs = await page.$$eval('nav.crumbs a', (a) => a.map((x) => x.textContent));
  ok(crumbs.length === 5 && crumbs[0] === 'Fleet', `breadcrumbs ${crumbs.join(' › ')}`);
  await page.screenshot({ path: path.join(ART, 'drill-pod.png'), fullPage: true });
  // back up one level through the breadcrumb
  await Promise.all([page.waitForNavigation(), page.click('nav.crumbs a >> nth=3')]);
  ok(new URL(page.url()).searchParams.get('aggregate') === 'controller', 'breadcrumb goes back to the controllers of the namespace');
}

async function windowAndGrouping(page) {
  await page.goto(`${BASE}/ui/cost?window=7d&aggregate=namespace`);
  await Promise.all([page.waitForNavigation(), page.selectOption('#window', '14d')]);
  ok(new URL(page.url()).searchParams.get('window') === '14d', 'window picker submits window=14d');
  await page.fill('#aggregate', 'label:team');
  await Promise.all([page.waitForNavigation(), page.click('form.controls button')]);
  const names = await page.$$eval('#alloc tbody td.name', (t) => t.map((x) => x.textContent));
  ok(new URL(page.url()).searchParams.get('aggregate') === 'label:team' && names.length > 1,
     `grouping by label:team: ${names.slice(0, 4).join(', ')}`);
  await page.screenshot({ path: path.join(ART, 'group-label-team.png'), fullPage: true });
}

async function csvDownload(page, request) {
  await page.goto(`${BASE}/ui/cost?window=7d&aggregate=namespace`);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('a.csv')]);
  const file = await dl.path();
  const text = fs.readFileSync(file, 'utf8');
  const got = csvTotal(text);
  const want = await apiTotal(request, 'window=7d&aggregate=namespace&includeIdle=true'); // the page shows idle
  ok(Math.abs(got - want) < 0.01 + 1e-6 * want, `CSV total ${got.toFixed(4)} = API total ${want.toFixed(4)}`);
  const shown = await page.$eval('#grand-total', (e) => parseFloat(e.textContent.replace(/[^0-9.]/g, '')));
  ok(Math.abs(shown - want) < 0.01, `page grand total ${shown} = API total ${want.toFixed(2)}`);
}

async function overview(page) {
  const resp = await page.goto(`${BASE}/`);
  ok(resp.status() === 200, 'overview answers 200');
  const h = resp.headers();
  ok((h['content-security-policy'] || '').includes("frame-ancestors 'none'") && h['x-content-type-options'] === 'nosniff',
     'security headers present');
  for (const id of ['mtd', 'projected', 'idle', 'efficiency'])
    ok(!!(await page.$(`#${id} .value`)), `overview card ${id}`);
  const bars = await svgBars(page);
  ok(bars > 5, `overview charts render (${bars} SVG bars with size)`);
  ok((await page.$$('#by-cloud tbody tr')).length >= 3, 'spend by cloud lists the clouds');
  await page.screenshot({ path: path.join(ART, 'overview.png'), fullPage: true });
}

// Budgets and Alerts pages: what GET /budgets and GET /alerts answer, with
// the spend-vs-limit chart (spend, forecast, band, limit) drawn.
async function budgetsAndAlerts(page, request) {
  const body = { name: 'browser-check', values: {}, interval: 'monthly', spendLimit: 1,
                 actions: [{ percentage: 100 }, { percentage: 80, forecast: true }] };
  const post = await request.post(`${BASE}/budget`, { data: body, headers: { 'Content-Type': 'application/json' } });
  ok(post.status() === 200, `POST /budget creates a budget (${post.status()})`);
  const api = (await (await request.get(`${BASE}/budgets`)).json()).data.find((b) => b.name === 'browser-check');
  ok(!!api && api.forecast && api.forecast.predictedSpend >= api.currentSpend, 'GET /budgets has the forecast');
  const resp = await page.goto(`${BASE}/ui/budgets`);
  ok(resp.status() === 200, 'budgets page answers 200');
  const row = await page.$$eval('#budgets tbody tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
  const mine = row.find((r) => r[0] === 'browser-check');
  ok(!!mine && Math.abs(parseFloat(mine[3].replace(/[^0-9.]/g, '')) - api.currentSpend) < 0.006,
     `budgets page spend ${mine && mine[3]} = API ${api && api.currentSpend.toFixed(2)}`);
  for (const c of ['spent', 'fc', 'limit', 'band'])
    ok((await page.$$(`figure.chart svg .${c}`)).length >= 1, `budget chart draws its ${c} line`);
  await page.screenshot({ path: path.join(ART, 'budgets.png'), fullPage: true });
  let firing = 0; // the alert runner is woken by the POST; bounded reloads until its round is done
  for (let i = 0; i < 100 && !firing; i++) {
    await page.goto(`${BASE}/ui/alerts`);
    firing = (await page.$$eval('#firing tbody tr', (rows) => rows.filter((r) => r.textContent.includes('browser-check')).length));
    if (!firing) await page.waitForTimeout(200);
  }
  ok(firing === 2, `alerts page lists the budget's two firing alerts (${firing})`);
  ok(!!(await page.$('#notifications')) && !!(await page.$('#resolved')) && !!(await page.$('#rules')),
     'alerts page has resolved alerts, rules and notifications tables');
  await page.screenshot({ path: path.join(ART, 'alerts.png'), fullPage: true });
}

// Savings: cards, the right-sizing table sorted by a column link, a patch
// copied with its button, and a row drilling to the workload's pods.
async function savingsPage(page, ctx) {
  await page.goto(`${BASE}/ui/savings?window=3d`);
  ok(await page.$('#savings-total') !== null, 'savings page: monthly savings card');
  const rows = await page.$$eval('#savings-requests tbody tr', (t) => t.length);
  ok(rows > 1, `savings page: ${rows} right-sizing rows`);
  const money = (xs) => xs.map((x) => parseFloat(x.replace(/[^0-9.-]/g, '')));
  await Promise.all([page.waitForNavigation(), page.click('#savings-requests th a.sort >> text=Monthly')]);
  ok(/sortBy=totalSavings/.test(page.url()) && /sortByOrder=ascending/.test(page.url()),
    `savings page: the Monthly column sorts ascending (${page.url()})`);
  const vals = money(await page.$$eval('#savings-requests tbody td.total', (t) => t.map((x) => x.textContent)));
  ok(vals.length > 1 && vals.every((v, i) => i === 0 || vals[i - 1] <= v + 1e-9), 'savings page: rows ascend by monthly savings');
  await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
  await page.click('#savings-requests button.copy');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  ok(/^(kubectl --context |# )/.test(copied), `savings page: copy puts the patch on the clipboard (${copied.slice(0, 40)}…)`);
  await page.screenshot({ path: path.join(ART, 'savings.png'), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('#savings-requests a.drill')]);
  ok(/\/ui\/cost\?/.test(page.url()) && /aggregate=pod/.test(page.url()), 'savings page: a row drills to its pods in the cost explorer');
  ok((await page.$$('#alloc tbody tr')).length > 0, 'savings page: the drill lands on pod rows');
}

async function phone() {
  const ctx = await launch({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  const page = await ctx.newPage();
  for (const p of ['/', '/ui/cost?window=7d&aggregate=namespace']) {
    await page.goto(BASE + p);
    const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    ok(over <= 1, `phone width: ${p} does not scroll sideways (${over}px)`);
  }
  await page.goto(BASE + '/');
  await page.screenshot({ path: path.join(ART, 'overview-phone.png'), fullPage: true });
  await ctx.close();
}

async function noScript() {
  const ctx = await launch({ javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(`${BASE}/ui/cost?window=7d`);
  await page.selectOption('#window', '48h');
  await page.fill('#aggregate', 'cluster');
  await Promise.all([page.waitForNavigation(), page.click('form.controls button')]);
  const u = new URL(page.url());
  ok(u.searchParams.get('window') === '48h' && u.searchParams.get('aggregate') === 'cluster',
     'without JavaScript the form still works');
  ok((await page.$$('#alloc tbody tr')).length > 0 && (await svgBars(page)) > 0, 'without JavaScript tables and charts render');
  for (const p of ['/ui/assets?window=7d&aggregate=cluster', '/ui/prices']) {
    const r = await page.goto(BASE + p);
    ok(r.status() === 200 && (await page.$$('table tbody tr')).length > 0, `${p} renders`);
  }
  await page.screenshot({ path: path.join(ART, 'prices.png'), fullPage: true });
  await ctx.close();
}

// With auth on (KT_AUTH_URL, KT_TOKEN): a page sends the browser to /login,
// a wrong token is refused, the right one opens the dashboard and its CSV links.
async function signIn() {
  const url = process.env.KT_AUTH_URL, token = process.env.KT_TOKEN;
  if (!url || !token) return;
  const ctx = await launch({ acceptDownloads: true });
  const page = await ctx.newPage();
  await page.goto(`${url}/ui/cost?window=7d`);
  ok(new URL(page.url()).pathname === '/login', 'auth on: a dashboard page goes to /login');
  await page.fill('#token', 'not-the-token-at-all');
  const bad = await Promise.all([page.waitForNavigation(), page.click('form.controls button')]);
  ok(bad[0].status() === 401 && (await page.$('.error')), 'auth on: a wrong token is refused');
  await page.fill('#token', token);
  await Promise.all([page.waitForNavigation(), page.click('form.controls button')]);
  ok(new URL(page.url()).pathname === '/' && (await page.$('#mtd')), 'auth on: the token signs in to the overview');
  await page.goto(`${url}/ui/cost?window=7d&aggregate=namespace`);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('a.csv')]);
  ok(fs.readFileSync(await dl.path(), 'utf8').startsWith('windowStart,'), 'auth on: CSV downloads with the session');
  const cookies = await ctx.cookies();
  ok(cookies.some((c) => c.name === 'kt_session' && c.httpOnly && c.sameSite === 'Strict' && !c.value.includes(token)),
     'auth on: the session cookie is HttpOnly, SameSite=Strict and not the token');
  await page.screenshot({ path: path.join(ART, 'signed-in.png') });
  await ctx.close();
}

// Every browser gets a fresh profile (--user-data-dir), removed on close.
const profiles = [];
async function launch(options) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-chromium-'));
  profiles.push(dir);
  return chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    ...options,
  });
}

(async () => {
  let ctx;
  try {
    ctx = await launch({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await ctx.newPage();
    const consoleErrors = [];
    watch(page, consoleErrors);
    await overview(page);
    await drillToPod(page);
    await windowAndGrouping(page);
    await csvDownload(page, ctx.request);
    await budgetsAndAlerts(page, ctx.request);
    await savingsPage(page, ctx);
    await ctx.close();
    ctx = null;
    await phone();
    await noScript();
    await signIn();
    ok(consoleErrors.length === 0, `no console errors or CSP violations${consoleErrors.length ? ': ' + consoleErrors.join('; ') : ''}`);
    const max = serverTimes.reduce((m, t) => Math.max(m, t.ms), 0);
    const slowest = serverTimes.find((t) => t.ms === max);
    console.log(`server time over ${serverTimes.length} pages: max ${max.toFixed(1)} ms (${slowest ? slowest.url : '-'})`);
    ok(serverTimes.length > 0, 'every page reports its server time');
  } catch (e) {
    console.log('FAIL exception: ' + (e && e.stack || e));
    failures++;
  } finally {
    if (ctx) await ctx.close();
    for (const d of profiles) fs.rmSync(d, { recursive: true, force: true });
  }
  console.log(failures ? `${failures} browser checks failed` : 'all browser checks passed');
  process.exit(failures ? 1 : 0);
})();
