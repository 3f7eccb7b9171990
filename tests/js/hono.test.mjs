// honoCache: the cache middleware in a real Hono app (app.request drives it).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Hono } from "hono";
import { MemoryCache, honoCache } from "../../pkg/node.js";
import { manualClock } from "./helpers.mjs";

test("Hono: pages are cached per the middleware, other routes untouched", async () => {
  const clock = manualClock(1_700_000_000_000);
  let calls = 0;
  const app = new Hono();
  app.use("/products/*", honoCache({ timeout: 60, cache: new MemoryCache({ clock }), clock, cacheStatusHeader: "X-Cache" }));
  app.get("/products/:id", (c) => c.text(`product ${c.req.param("id")} #${++calls}`));
  app.get("/account", (c) => c.text(`account #${++calls}`));
  const first = await app.request("/products/1");
  assert.equal(first.headers.get("x-cache"), "MISS");
  assert.equal(await first.text(), "product 1 #1");
  const second = await app.request("/products/1");
  assert.equal(second.headers.get("x-cache"), "HIT");
  assert.equal(await second.text(), "product 1 #1");
  assert.equal(second.headers.get("cache-control"), "max-age=60");
  assert.equal(await (await app.request("/products/2")).text(), "product 2 #2");
  assert.equal(await (await app.request("/account")).text(), "account #3");
  assert.equal(await (await app.request("/account")).text(), "account #4");
  clock.advance(60);
  assert.equal(await (await app.request("/products/1")).text(), "product 1 #5");
});

test("Hono: cache: (c) => cache picks the cache from the app's env per request; one per binding", async () => {
  const byBinding = new Map();
  let calls = 0;
  const app = new Hono();
  app.use("/p/*", honoCache({
    timeout: 60,
    cacheStatusHeader: "X-Cache",
    cache: (c) => {
      if (!byBinding.has(c.env.TENANT)) byBinding.set(c.env.TENANT, new MemoryCache());
      return byBinding.get(c.env.TENANT);
    },
  }));
  app.get("/p/:id", (c) => c.text(`${c.env.TENANT} ${c.req.param("id")} #${++calls}`));
  assert.equal(await (await app.request("/p/1", {}, { TENANT: "a" })).text(), "a 1 #1");
  const hit = await app.request("/p/1", {}, { TENANT: "a" });
  assert.equal(hit.headers.get("x-cache"), "HIT");
  assert.equal(await hit.text(), "a 1 #1");
  // Another binding's cache: its own entry, never tenant a's page.
  assert.equal(await (await app.request("/p/1", {}, { TENANT: "b" })).text(), "b 1 #2");
  assert.equal(byBinding.size, 2);
});
