#!/usr/bin/env node
// End-to-end test of the dashboard: starts a real `encore serve` on a free
// port over a fixture store, opens the page in Debian's headless Chromium
// (driven by playwright-core), picks a user, checks that recommendations with
// explanations appear, and saves a screenshot.
//
// usage: node dashboard_browser_test.js ENCORE_BIN FIXTURE_BIN OUT_DIR
"use strict";
const { spawn, execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

const [encoreBin, fixtureBin, outDir] = process.argv.slice(2);
if (!encoreBin || !fixtureBin || !outDir) {
  console.error("usage: node dashboard_browser_test.js ENCORE_BIN FIXTURE_BIN OUT_DIR");
  process.exit(2);
}
const CHROMIUM = "/usr/bin/chromium";
const TIMEOUT_MS = 20000;

function fail(message) {
  console.error("FAIL: " + message);
  process.exitCode = 1;
  throw new Error(message);
}

function startServer(db, model, report) {
  return new Promise((resolve, reject) => {
    const proc = spawn(encoreBin, ["serve", "--db", db, "--model", model, "--port", "0", "--report", report],
                       { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    const timer = setTimeout(() => reject(new Error("server did not start: " + out)), TIMEOUT_MS);
    proc.stdout.on("data", (chunk) => {
      out += chunk.toString();
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) { clearTimeout(timer); resolve({ proc, url: m[1] }); }
    });
    proc.on("exit", (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}): ${out}`)); });
  });
}

async function main() {
  if (!fs.existsSync(CHROMIUM)) fail(`${CHROMIUM} is missing: apt-get install chromium`);
  fs.mkdirSync(outDir, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "encore-dashboard-"));
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "encore-chromium-"));
  let server = null;
  let browser = null;
  try {
    execFileSync(fixtureBin, [work], { stdio: "inherit" });
    server = await startServer(path.join(work, "store.db"), path.join(work, "model.bin"), path.join(work, "report"));
    // A fresh profile: playwright passes it to Chromium as --user-data-dir.
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 1000 },
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--no-first-run"],
    });
    const page = browser.pages()[0] || await browser.newPage();
    const consoleErrors = [];
    page.on("pageerror", (e) => consoleErrors.push(e.message));
    page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });

    await page.goto(server.url + "/", { timeout: TIMEOUT_MS });
    if (!(await page.title()).includes("encore")) fail("page title does not mention encore");
    // The user picker fills from /api/users; pick u0.
    await page.waitForSelector("#user-select option[value='u0']", { state: "attached", timeout: TIMEOUT_MS });
    await page.selectOption("#user-select", "u0");
    await page.waitForSelector("#recs li.rec", { timeout: TIMEOUT_MS });
    const recs = await page.$$eval("#recs li.rec", (els) => els.map((e) => ({
      id: e.dataset.id, why: e.querySelector(".why").textContent })));
    if (recs.length !== 10) fail(`expected 10 recommendations, got ${recs.length}`);
    if (!recs.every((r) => r.why.length > 0)) fail("a recommendation has no explanation");
    if (!recs.some((r) => r.why.startsWith("Because you watched"))) fail("no 'Because you watched' explanation");
    await page.waitForSelector("#history li.hist", { timeout: TIMEOUT_MS });
    const history = await page.$$eval("#history li.hist", (els) => els.length);
    if (history !== 7) fail(`expected u0's 7 history items, got ${history}`);
    const historyIds = await page.$$eval("#history li.hist .item-link", (els) => els.map((e) => e.dataset.item));
    if (recs.some((r) => historyIds.includes(r.id))) fail("a recommendation repeats a history item");

    // Catalogue browser and item details.
    await page.waitForSelector("#catalog tr td.item-link", { timeout: TIMEOUT_MS });
    await page.click("#catalog tr td.item-link");
    await page.waitForSelector("#item-details h2", { timeout: TIMEOUT_MS });
    // An analysed item shows its media analysis (the fixture stores one for "lunar").
    await page.evaluate(() => showItem("lunar"));
    await page.waitForSelector("#item-analysis .an-tempo", { timeout: TIMEOUT_MS });
    const analysis = await page.$eval("#item-analysis", (e) => e.textContent);
    for (const want of ["120.0 BPM", "A minor", "minor key", "the astronauts drift beyond the moon", "LUNAR ODYSSEY", "2 shots"]) {
      if (!analysis.includes(want)) fail(`item analysis lacks '${want}': ${analysis}`);
    }
    const shotRows = await page.$$eval("#item-analysis table.an-shots tbody tr", (els) => els.length);
    if (shotRows !== 2) fail(`expected 2 shot rows in the analysis, got ${shotRows}`);
    // Live metrics count the requests the page made; the report is shown.
    await page.waitForFunction(() => Number(document.getElementById("metrics-requests").textContent) > 3,
                               null, { timeout: TIMEOUT_MS });
    await page.waitForFunction(() => document.getElementById("report").textContent.includes("ndcg@10"),
                               null, { timeout: TIMEOUT_MS });
    const shot = path.join(outDir, "dashboard.png");
    await page.screenshot({ path: shot, fullPage: true });
    if (consoleErrors.length) fail("console errors: " + consoleErrors.join(" | "));
    console.log(`PASS: ${recs.length} recommendations for u0, ${history} history items; screenshot ${shot}`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (server) server.proc.kill("SIGTERM");
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((e) => {
  if (!process.exitCode) console.error("FAIL: " + (e && e.stack ? e.stack : e));
  process.exitCode = 1;
});
