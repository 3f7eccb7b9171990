// The demo page (www/, served by www/serve.mjs as `make demo` does) in headless Chromium:
// each section's main action, what the page then shows, persistence across a reload, and a
// screenshot of each section under target/demo/. Page timers and Date run on Playwright's
// fake clock where TTLs matter, so no test waits for real time to pass.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import { startDemo } from "../../www/serve.mjs";
import { chromiumOptions } from "./static-server.mjs";

const shots = new URL("../../target/demo/", import.meta.url).pathname;
const START = new Date("2026-11-24T09:00:00Z");
let demo, browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  demo = await startDemo();
  browser = await chromium.launch(chromiumOptions);
});
after(async () => {
  await browser?.close();
  await demo?.close();
});

/** A page of the demo in a fresh browser profile; page errors fail the test at the end. */
async function open(t, path, { clock = false, context } = {}) {
  const ctx = context ?? (await browser.newContext({ viewport: { width: 1280, height: 900 } }));
  if (!context) t.after(() => ctx.close());
  const page = await ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  t.after(() => assert.deepEqual(errors, [], `errors on ${path}`));
  if (clock) {
    // Paused: the page's time moves only by runFor(), so TTLs on screen are exact.
    await page.clock.install({ time: START });
    await page.clock.pauseAt(new Date(START.getTime() + 1000));
  }
  await page.goto(`${demo.url}/${path}`);
  return page;
}

const texts = (page, selector) => page.$$eval(selector, (nodes) => nodes.map((n) => n.textContent.trim()));
const lastLog = (page) => page.textContent("#log li:first-child");

test("playground: calls with their Django lines, the store in LRU order, culls, TTL countdown", async (t) => {
  const page = await open(t, "index.html", { clock: true });
  await page.waitForSelector("#log li");
  await page.click('[data-op="fill"]');
  // maxEntries 8, cullFrequency 3: the 9th write culls floor(8/3) = 2 least recently used.
  assert.equal(await page.locator("#entries tr:not(.removed)").count(), 8);
  assert.deepEqual(await texts(page, "#entries tr.removed td:nth-child(2)"), [":1:item0", ":1:item1"]);
  assert.deepEqual(await texts(page, "#entries tr.removed td:nth-child(4)"), ["evicted (cull / budget)", "evicted (cull / budget)"]);
  assert.deepEqual((await texts(page, "#entries tr:not(.removed) td:nth-child(2)")).slice(0, 2), [":1:item9", ":1:item8"]);
  assert.match(await lastLog(page), /# Django: for i in range\(10\): cache.set/);
  assert.equal(await page.getAttribute("#cull-rule", "class"), "rule active");
  assert.match(await page.textContent("#cull-rule"), /⌊8 \/ 3⌋ = 2 least recently used/);

  await page.fill('#op [name="timeout"]', "30");
  await page.click('[data-op="set"]');
  assert.match(await lastLog(page), /# Django: cache.set\("greeting", "hello", 30\)→ done/);
  const first = page.locator("#entries tr:first-child td");
  assert.equal(await first.nth(1).textContent(), ":1:greeting");
  assert.equal(await first.nth(3).textContent(), "30.0 s");
  await page.clock.runFor(10_000);
  // The view refreshes every 250 ms of the (paused, fake) clock.
  const left = Number.parseFloat(await first.nth(3).textContent());
  assert.ok(left >= 20 && left <= 20.3, `the TTL counts down: ${left} s left after 10 s`);
  assert.equal(await page.locator("#entries tr.removed").count(), 0, "removals fade after a few seconds");
  await page.clock.runFor(21_000);
  assert.equal(await page.getAttribute("#entries tr:first-child", "class"), "expired");
  await page.click('[data-op="get"]');
  assert.match(await lastLog(page), /cache.get\("greeting"\)→ undefined \(miss\)/);

  await page.fill('#op [name="key"]', "n");
  await page.fill('#op [name="value"]', "41");
  await page.fill('#op [name="timeout"]', "");
  await page.click('[data-op="set"]');
  await page.click('[data-op="incr"]');
  assert.match(await lastLog(page), /# Django: cache.incr\("n"\)→ 42/);
  await page.fill('#op [name="version"]', "2");
  await page.click('[data-op="incr"]');
  assert.match(await page.textContent("#log li:first-child .error"), /\[KEY_NOT_FOUND\]: Key ':2:n' not found/, "version 2 of n does not exist");
  assert.equal(await page.textContent('[data-stat="sets"]'), "12", "10 filled, greeting, n");
  assert.equal(await page.textContent('[data-stat="evictions"]'), "4", "two culls of 2: the 9th fill and greeting");
  await page.screenshot({ path: `${shots}playground.png`, fullPage: true });
});

test("simulator: the trace sample through both policies, lines matching hitratio.py's LRU and OPT", async (t) => {
  const page = await open(t, "simulator.html");
  await page.waitForSelector("body[data-simulated=done]", { timeout: 60_000 });
  const ratios = async () => Object.fromEntries(await page.$$eval("#final tbody tr", (rows) => rows.map((r) => [r.dataset.policy, Number.parseFloat(r.children[1].textContent)])));
  const web12 = await ratios();
  // hitratio.py on www/data/web12-sample.keys.txt.gz at 500 entries: LRU 53.75, OPT 69.03.
  assert.equal(web12["edgecache lru"], 53.75);
  assert.equal(web12["reference LRU"], 53.75);
  assert.equal(web12["OPT (Bélády)"], 69.03);
  assert.ok(web12["edgecache adaptive"] > web12["edgecache lru"] + 1, JSON.stringify(web12));
  assert.equal(await page.locator("#chart canvas").count(), 1, "uPlot drew the chart");
  await page.screenshot({ path: `${shots}simulator.png`, fullPage: true });

  await page.selectOption('[name="source"]', "zipf");
  await page.fill('[name="size"]', "200");
  await page.click("#run");
  await page.waitForSelector("body[data-simulated=done]", { timeout: 60_000 });
  const zipf = await ratios();
  assert.equal(zipf["edgecache lru"], zipf["reference LRU"]);
  for (const policy of ["edgecache adaptive", "edgecache lru"]) assert.ok(zipf[policy] <= zipf["OPT (Bélády)"], JSON.stringify(zipf));
  assert.ok(zipf["edgecache adaptive"] > zipf["edgecache lru"], "frequency wins on a Zipf workload");
});

test("persistence: records in IndexedDB survive a reload; the memory tier refills from them", async (t) => {
  const page = await open(t, "persistence.html");
  await page.waitForSelector("body[data-ready=true]");
  await page.click('[data-op="fill"]');
  await page.waitForFunction(() => document.querySelectorAll("#store-rows tr").length === 6);
  assert.deepEqual((await texts(page, "#store-rows td:first-child")).sort(), [0, 1, 2, 3, 4, 5].map((i) => `demo:1:key${i}`));
  const tierBefore = await page.locator("#tier-rows tr").count();
  assert.ok(tierBefore >= 1 && tierBefore <= 4, `${tierBefore} tier entries (maxEntries 4)`);

  await page.click('[data-op="reload"]');
  await page.waitForSelector("body[data-ready=true]");
  assert.match(await page.textContent("#loaded"), /the memory tier holds 0 entries, IndexedDB holds 6 records/);
  assert.equal(await page.locator("#tier-rows tr").count(), 0);
  await page.fill('[name="key"]', "key0");
  await page.click('[data-op="get"]');
  await page.waitForSelector("#log li");
  assert.match(await lastLog(page), /cache.get\("key0"\)→ "value 0" from IndexedDB/);
  await page.click('[data-op="get"]');
  await page.waitForFunction(() => document.querySelectorAll("#log li").length === 2);
  assert.match(await lastLog(page), /→ "value 0" from the memory tier/);
  assert.deepEqual(await texts(page, "#tier-rows td:first-child"), ["demo:1:key0"]);
  await page.screenshot({ path: `${shots}persistence.png`, fullPage: true });
});

test("response caching: cachePage in a service worker, X-Cache per request, tag invalidation", async (t) => {
  const page = await open(t, "service-worker.html");
  await page.waitForSelector("body[data-ready=true]", { timeout: 20_000 });
  const origin = demo.counters.origin;
  /** Clicks a button and resolves to the new row's cells. */
  const click = async (selector) => {
    const rows = await page.locator("#calls tbody tr").count();
    await page.click(selector);
    await page.waitForFunction((n) => document.querySelectorAll("#calls tbody tr").length === n + 1, rows);
    return texts(page, "#calls tbody tr:first-child td");
  };
  const status = async (url) => (await click(`[data-url="${url}"]`))[2];
  assert.equal(await status("/api/products/1"), "MISS");
  assert.equal(await status("/api/products/1"), "HIT");
  assert.equal(demo.counters.origin, origin + 1, "the hit never reached the origin");
  assert.equal(await status("/api/products/2"), "MISS");
  assert.equal(await status("/api/cart"), "BYPASS", "a private response is not stored");
  assert.equal(await status("/api/cart"), "BYPASS");
  assert.equal(demo.counters.origin, origin + 4);

  assert.match((await click('[data-tag="product:1"]'))[1], /invalidateTags\(\["product:1"\]\)/);
  assert.equal(await status("/api/products/1"), "MISS");
  assert.equal(await status("/api/products/2"), "HIT", "another tag's entry stays");
  await click('[data-tag="products"]');
  assert.equal(await status("/api/products/2"), "MISS");

  // The worker's cache is in IndexedDB: a reloaded page gets hits at once.
  await page.reload();
  await page.waitForSelector("body[data-ready=true]", { timeout: 20_000 });
  const before = demo.counters.origin;
  assert.equal(await status("/api/products/2"), "HIT");
  assert.equal(demo.counters.origin, before);
  await page.screenshot({ path: `${shots}service-worker.png`, fullPage: true });
});

test("fragments: a page from fragments with different timeouts, hits shown, expiry and deletion", async (t) => {
  const page = await open(t, "fragments.html", { clock: true });
  const render = async (n) => {
    if (n > 1) await page.click("#render");
    await page.waitForSelector(`body[data-rendered="${n}"]`);
    return Object.fromEntries(await page.$$eval(".fragment", (boxes) => boxes.map((b) => [b.dataset.fragment, b.querySelector(".badge").textContent])));
  };
  const all = (state) => ({ sidebar: state, news: state, products: state, greeting: state });
  assert.deepEqual(await render(1), all("rendered"));
  assert.deepEqual(await render(2), { ...all("from cache"), greeting: "rendered" });
  assert.equal(await page.textContent("#summary"), "3 of 4 fragments from the cache");

  await page.clock.runFor(11_000); // past news's 10 s, within products' 60 s
  assert.deepEqual(await render(3), { ...all("from cache"), news: "rendered", greeting: "rendered" });
  assert.match(await page.textContent('[data-fragment="news"] small'), /render #2/);

  await page.selectOption("#user", "bob"); // the sidebar varies on the user
  await page.waitForSelector('body[data-rendered="4"]');
  assert.match(await page.textContent('[data-fragment="sidebar"]'), /Signed in as bob/);
  assert.equal(await page.textContent('[data-fragment="sidebar"] .badge'), "rendered");

  await page.click("#delete-products");
  assert.match(await page.textContent("#deleted"), /→ true \(key template\.cache\.products\.d41d8cd98f00b204e9800998ecf8427e\)/);
  assert.deepEqual(await render(5), { ...all("from cache"), products: "rendered", greeting: "rendered" });
  const keys = await texts(page, "#keys td:nth-child(2)");
  assert.ok(keys.includes("template.cache.products.d41d8cd98f00b204e9800998ecf8427e"), keys.join());
  await page.screenshot({ path: `${shots}fragments.png`, fullPage: true });
});

test("at the edge: two workerd isolates over one KV namespace; X-Cache, Age, a stale page refreshed, an invalidation seen by the other isolate", async (t) => {
  const page = await open(t, "edge.html");
  await page.waitForSelector("body[data-ready=true]");
  const stat = (isolate, name) => page.textContent(`#isolate-${isolate} dd[data-stat="${name}"]`).then(Number);
  /** Clicks a GET in `isolate`'s panel; [X-Cache, Age, origin call] of the row it adds. */
  let calls = 0;
  /** Clicks `selector` and waits until its row and the counters after it are shown. */
  const act = async (selector) => {
    await page.click(selector);
    await page.waitForSelector(`body[data-done="${++calls}"]`);
  };
  const get = async (isolate, path = "products/1") => {
    await act(`#isolate-${isolate} button[data-path="${path}"]`);
    const cells = await texts(page, "#edge-calls tbody tr:first-child td");
    return [cells[3], cells[4], cells[7]];
  };
  const [status, age, call] = await get("a");
  assert.deepEqual([status, age], ["MISS", "—"]);
  assert.equal(await stat("a", "origin calls"), 1);
  const hit = await get("a");
  assert.equal(hit[0], "HIT");
  assert.equal(hit[2], call, "the same render");
  assert.match(hit[1], /^\d+$/, "a hit carries Age");
  assert.ok((await stat("a", "KV reads saved by the memory tier")) >= 1, "the second read came from A's memory tier");

  const fromB = await get("b");
  assert.equal(fromB[0], "HIT", "B finds the page A stored in KV");
  assert.equal(await stat("b", "origin calls"), 0, "without calling the origin");
  assert.ok((await stat("b", "KV reads")) >= 1, "by reading KV");

  // max-age=5, stale-while-revalidate=30: after 5 s the page is served stale and refreshed once.
  await new Promise((resolve) => setTimeout(resolve, 5_200));
  const stale = await get("a");
  assert.equal(stale[0], "STALE");
  assert.equal(stale[2], call, "the stale render, at once");
  let refreshed;
  for (let i = 0; i < 30 && refreshed?.[0] !== "HIT"; i++) refreshed = await get("a");
  assert.notEqual(refreshed[2], call, "then the refreshed one");

  await act("#isolate-a button[data-invalidate]");
  assert.equal((await get("a"))[0], "MISS", "A misses at once");
  // B reads the tag's stamp again after its localTimeout (2 s).
  await new Promise((resolve) => setTimeout(resolve, 2_100));
  const [bStatus, , bCall] = await get("b");
  assert.ok(bStatus === "MISS" || Number(bCall.slice(1)) > Number(refreshed[2].slice(1)), `B no longer serves the invalidated page (${bStatus} ${bCall})`);
  await page.screenshot({ path: `${shots}edge.png`, fullPage: true });
});

test("every page fits 400 px and 1280 px wide screens (no horizontal scrolling), screenshots kept", async (t) => {
  for (const width of [400, 1280]) {
    const ctx = await browser.newContext({ viewport: { width, height: 900 } });
    t.after(() => ctx.close());
    for (const path of ["index.html", "simulator.html", "persistence.html", "service-worker.html", "fragments.html", "edge.html"]) {
      const page = await open(t, path, { context: ctx });
      await page.waitForLoadState("networkidle");
      const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      assert.ok(scroll <= inner, `${path} at ${width} px: the page is ${scroll} px wide`);
      await page.screenshot({ path: `${shots}${path.replace(".html", "")}-${width}.png`, fullPage: true });
    }
  }
});
