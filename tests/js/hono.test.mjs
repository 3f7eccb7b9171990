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
