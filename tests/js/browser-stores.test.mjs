// The async Cache suite in headless Chromium (Playwright driving Debian's chromium) against
// the browser's real storage: localStorage, IndexedDB and the Cache API.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { serve, chromiumOptions } from "./static-server.mjs";

let server, browser, page;
before(async () => {
  server = await serve();
  browser = await chromium.launch(chromiumOptions);
  page = await browser.newPage();
  await page.goto(server.url);
});
after(async () => {
  await browser?.close();
  await server?.close();
});

for (const store of ["localStorage", "indexedDB", "cacheStorage"]) {
  test(`chromium ${store}: the async Cache suite`, async (t) => {
    const results = await page.evaluate(async (name) => {
      const { Cache, stores } = await import("/pkg/browser.js");
      const { runSuite } = await import("/tests/suite/cache-suite.mjs");
      const cache = name === "cacheStorage" ? await caches.open("edgecache-test") : undefined;
      const makeStore = {
        localStorage: () => stores.localStorage(),
        indexedDB: () => stores.indexedDB("edgecache-test"),
        cacheStorage: () => stores.cacheStorage(cache),
      }[name];
      return runSuite({ Cache, makeStore });
    }, store);
    assert.ok(results.length >= 18, `${results.length} cases`);
    for (const r of results) await t.test(r.name, () => assert.ok(r.ok, r.error));
  });
}

test("chromium localStorage: a full quota is a store error, the memory tier keeps the value", async () => {
  const outcome = await page.evaluate(async () => {
    const { Cache, stores } = await import("/pkg/browser.js");
    localStorage.clear();
    const errors = [];
    const store = stores.localStorage();
    const c = new Cache({ store, keyPrefix: "quota", onError: (e) => errors.push(e.name) });
    const big = Array.from({ length: 2_000_000 }, (_, i) => (i * 7919) % 1000).join(",");
    await c.set("big", big, null);
    const other = new Cache({ store, keyPrefix: "quota", memory: false });
    return { errors, local: (await c.get("big")) === big, other: await other.get("big", "miss"), stats: c.stats().storeErrors };
  });
  assert.ok(outcome.errors.includes("QuotaExceededError"), outcome.errors.join());
  assert.equal(outcome.local, true);
  assert.equal(outcome.other, "miss");
  assert.ok(outcome.stats >= 1);
});
