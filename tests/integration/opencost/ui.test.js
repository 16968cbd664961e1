// The OpenCost UI's current build (v1.121.0) behind nginx, against kubetally,
// in Debian's chromium.  run.sh starts everything and writes what
// `kubetally allocation|assets -o json` answers for the same window as the
// UI's defaults (7d; namespace; accumulate=day; idle included).  Checks that
// Home, Allocations, Infra Assets and the default report show those numbers, formatted as the UI
// formats them (toCurrency: en-US currency; assets: "$" + toFixed(2)), and
// that every API call the UI made answered 200.
'use strict';
const { chromium } = require('playwright-core');
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const UI = process.env.UI_URL;
const alloc = JSON.parse(fs.readFileSync(process.env.ALLOC_JSON, 'utf8'));
const assets = JSON.parse(fs.readFileSync(process.env.ASSETS_JSON, 'utf8'));
const report = JSON.parse(fs.readFileSync(process.env.REPORT_JSON, 'utf8'));
const ART = process.env.ARTIFACTS;

let failures = 0;
function ok(cond, what) {
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${what}`);
  if (!cond) failures++;
}
const money = (v) => v.toLocaleString('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2,
  maximumFractionDigits: 2 });

// What the UI computes from the same answer: the sum over the day sets.
const byName = {};
let allocTotal = 0;
for (const set of alloc.data) {
  for (const a of Object.values(set)) {
    byName[a.name] = (byName[a.name] || 0) + a.totalCost;
    allocTotal += a.totalCost;
  }
}
let reportTotal = 0;
for (const set of report.data) for (const a of Object.values(set)) reportTotal += a.totalCost;
const top = Object.entries(byName).sort((x, y) => y[1] - x[1]).slice(0, 3);
const assetList = Object.values(assets.data);
const assetsTotal = assetList.reduce((s, a) => s + a.totalCost, 0);
const biggestNode = assetList.filter((a) => a.type === 'Node').sort((x, y) => y.totalCost - x.totalCost)[0];
console.log(`kubetally allocation: ${alloc.data.length} day sets, total ${allocTotal.toFixed(5)}; ` +
            `assets: ${assetList.length}, total ${assetsTotal.toFixed(5)}`);

async function textOf(page) {
  return page.evaluate(() => document.body.innerText);
}

// Wait until the page's text contains every string (the widgets load on their own).
async function waitFor(page, strings, ms) {
  const end = Date.now() + ms;
  let text = '';
  while (Date.now() < end) {
    text = await textOf(page);
    if (strings.every((s) => text.includes(s))) return text;
    await page.waitForTimeout(250);
  }
  return text;
}

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-ocui-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    locale: 'en-US',
    viewport: { width: 1440, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const api = [];
  ctx.on('response', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/model/')) api.push({ path: u.pathname + u.search, status: r.status() });
  });
  try {
    const page = await ctx.newPage();

    // Home: the summary card and the breakdown table.
    await page.goto(`${UI}/`, { waitUntil: 'domcontentloaded' });
    const want = [money(allocTotal), ...top.map(([, v]) => money(v))];
    let text = await waitFor(page, want, 30000);
    await page.screenshot({ path: path.join(ART, 'opencost-ui-home.png'), fullPage: true });
    ok(text.toLowerCase().includes('total cluster cost') && text.includes(money(allocTotal)),
       `Home: Total Cluster Cost ${money(allocTotal)} = kubetally allocation's total`);
    for (const [name, v] of top) {
      const shown = name === '__idle__' ? true : text.includes(name);
      ok(shown && text.includes(money(v)), `Home: ${name} ${money(v)}`);
    }

    // Allocations dashboard: the table alone.
    await page.goto(`${UI}/dashboard/2`, { waitUntil: 'domcontentloaded' });
    text = await waitFor(page, top.map(([, v]) => money(v)), 30000);
    await page.screenshot({ path: path.join(ART, 'opencost-ui-allocations.png'), fullPage: true });
    for (const [name, v] of top)
      ok(text.includes(money(v)), `Allocations: ${name} ${money(v)}`);
    ok(text.includes(money(allocTotal)), `Allocations: totals row ${money(allocTotal)}`);

    // Drill down: a click on the biggest namespace asks for its controller kinds through the v2 filter
    const ns = top.map(([n]) => n).find((n) => !n.includes('__'));
    const drill = JSON.parse(execFileSync(process.env.KT, ['allocation', '--db', process.env.DB, '--window', '7d',
      '--aggregate', 'controllerKind', '--accumulate=day', '--filter', `namespace:"${ns}"`, '-o', 'json']));
    const kinds = {};
    for (const set of drill.data) for (const a of Object.values(set)) kinds[a.name] = (kinds[a.name] || 0) + a.totalCost;
    const kindTotal = Object.values(kinds).reduce((x, y) => x + y, 0);
    await page.locator('tr.v2-table-row-hover').filter({ has: page.getByRole('cell', { name: ns, exact: true }) })
      .first().click();
    text = await waitFor(page, [money(kindTotal), ...Object.values(kinds).map(money)], 30000);
    ok(Object.values(kinds).every((v) => text.includes(money(v))) && text.includes(money(kindTotal)),
       `Allocations: drilling into ${ns} shows its controller kinds ` +
       Object.entries(kinds).map(([k, v]) => `${k} ${money(v)}`).join(', '));
    ok(api.some((r) => r.path.includes('aggregate=controllerKind') && r.path.includes('filter=namespace')),
       'the drill-down went through aggregate=controllerKind&filter=namespace:"…"');

    // Infra Assets: total of every asset, and the biggest node by name.
    const assetsShown = `$${assetsTotal.toFixed(2)}`;
    await page.goto(`${UI}/dashboard/4`, { waitUntil: 'domcontentloaded' });
    text = await waitFor(page, [assetsShown, biggestNode.properties.name], 30000);
    await page.screenshot({ path: path.join(ART, 'opencost-ui-assets.png'), fullPage: true });
    ok(text.includes(assetsShown), `Infra Assets: total ${assetsShown} = kubetally assets' total`);
    ok(text.includes(biggestNode.properties.name) && text.includes(`$${biggestNode.totalCost.toFixed(2)}`),
       `Infra Assets: node ${biggestNode.properties.name} $${biggestNode.totalCost.toFixed(2)}`);
    ok(!text.includes('No assets returned') && !text.includes('Could not load assets'), 'Infra Assets: no error banner');

    // Reports: the default "Namespace Cost Trend" (yesterday, by namespace, daily, metrics=totalCost)
    await page.goto(`${UI}/report/report-1`, { waitUntil: 'domcontentloaded' });
    text = await waitFor(page, [money(reportTotal)], 30000);
    await page.screenshot({ path: path.join(ART, 'opencost-ui-report.png'), fullPage: true });
    ok(text.includes(money(reportTotal)), `Reports: Namespace Cost Trend total ${money(reportTotal)} = kubetally allocation for yesterday`);

    // The legacy build (VITE_LEGACY_MODE): its allocation page, 7d by namespace, accumulate=false (one set)
    await page.goto(`${process.env.LEGACY_URL}/`, { waitUntil: 'domcontentloaded' });
    text = await waitFor(page, [money(allocTotal), ...top.map(([, v]) => money(v))], 30000);
    await page.screenshot({ path: path.join(ART, 'opencost-ui-legacy.png'), fullPage: true });
    ok(text.includes(money(allocTotal)), `legacy UI: total ${money(allocTotal)}`);
    for (const [name, v] of top)
      ok(text.includes(money(v)), `legacy UI: ${name} ${money(v)}`);

    const bad = api.filter((r) => r.status !== 200);
    ok(api.length > 0 && bad.length === 0,
       `${api.length} API calls through nginx, all 200${bad.length ? ': ' + bad.map((r) => `${r.status} ${r.path}`).join(', ') : ''}`);
    const paths = new Set(api.map((r) => r.path.split('?')[0]));
    for (const p of ['/model/allocation/compute', '/model/assets', '/model/cloudCost/view/totals'])
      ok(paths.has(p), `the UI called ${p}`);
  } catch (e) {
    ok(false, `browser run: ${e.message}`);
  } finally {
    await ctx.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`opencost ui: ${failures ? failures + ' failed' : 'all passed'}`);
  process.exit(failures ? 1 : 0);
})();
