// policy: "adaptive" through the package: same API and TTL rules, a different victim.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryCache, Cache, stores } from "../../pkg/node.js";
import { manualClock } from "./helpers.mjs";

/**
 * Hot keys in use, then a crawler's burst of 20,000 one-off keys while the hot keys stay in
 * use (one request in ten): the share of those hot requests that hit.
 */
function hotHitsDuringScan(policy) {
  const cache = new MemoryCache({ maxEntries: 200, cullFrequency: 200, policy });
  const read = (k) => cache.get(k) !== undefined || (cache.set(k, k), false);
  for (let round = 0; round < 5; round++) for (let i = 0; i < 100; i++) read(`hot${i}`);
  let hot = 0;
  let hits = 0;
  for (let i = 0; i < 20_000; i++) {
    if (i % 10 === 0) {
      hot++;
      if (read(`hot${(i / 10) % 100}`)) hits++;
    } else read(`scan${i}`);
  }
  return hits / hot;
}

test("a scan of one-off keys flushes LRU's hot set but not the adaptive policy's", () => {
  const lru = hotHitsDuringScan("lru");
  const adaptive = hotHitsDuringScan("adaptive");
  assert.ok(lru < 0.05, `lru ${lru}`);
  assert.ok(adaptive > 0.9, `adaptive ${adaptive}`);
});

test("the option is checked", () => {
  assert.throws(() => new MemoryCache({ policy: "lfu" }), (e) => e instanceof TypeError && e.code === "INVALID_OPTION" && /policy/.test(e.message));
  assert.throws(() => new MemoryCache({ policy: 1 }), { code: "INVALID_OPTION" });
  assert.equal(new MemoryCache({ policy: "lru" }).size, 0);
});

test("adaptive keeps maxEntries and maxBytes at every step, TTLs and stats as before", () => {
  const clock = manualClock();
  const evicted = [];
  const cache = new MemoryCache({ policy: "adaptive", maxEntries: 50, maxBytes: 20_000, clock, onEvict: (key, reason) => evicted.push(reason) });
  let seed = 7;
  const rand = (n) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  let gets = 0;
  for (let i = 0; i < 5000; i++) {
    const key = `k${rand(3) ? rand(30) : rand(3000)}`;
    if (rand(2)) {
      gets++;
      const v = cache.get(key);
      if (v !== undefined) assert.equal(v.slice(0, key.length), key, "a value of its own key");
    } else {
      cache.set(key, key + "x".repeat(rand(1500)), rand(4) ? null : 5);
    }
    if (i % 500 === 0) clock.advance(3);
    const s = cache.stats();
    assert.ok(cache.size <= 50);
    assert.ok(s.bytes <= 20_000);
  }
  const s = cache.stats();
  assert.equal(s.hits + s.misses, gets);
  assert.ok(s.evictions > 0);
  cache.set("ttl", "v", 10);
  clock.advance(10);
  assert.equal(cache.get("ttl"), undefined, "expired at its timeout, as under LRU");
});

test("onEvict reports the adaptive policy's evictions", async () => {
  const seen = [];
  const cache = new MemoryCache({ policy: "adaptive", maxEntries: 5, onEvict: (key, reason) => seen.push([key, reason]) });
  for (let i = 0; i < 20; i++) cache.set(`k${i}`, i);
  await Promise.resolve();
  assert.equal(cache.size, 5);
  assert.equal(seen.length, 15);
  assert.ok(seen.every(([, reason]) => reason === "evict"));
  assert.equal(cache.stats().evictions, 15);
});

test("the async Cache's memory tier takes the policy", async () => {
  const cache = new Cache({ store: stores.memory(), memory: { policy: "adaptive", maxEntries: 20 } });
  for (let i = 0; i < 100; i++) await cache.set(`k${i}`, i);
  for (let i = 0; i < 100; i++) assert.equal(await cache.get(`k${i}`), i, "the store still answers");
});

test("adaptive: a seed fixes the evictions (two caches, one sequence, the same hits); stats().window says the window", () => {
  const run = (seed) => {
    const cache = new MemoryCache({ policy: "adaptive", maxEntries: 200, seed });
    let hits = 0;
    let x = 12345;
    for (let i = 0; i < 20_000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const key = `k${Math.floor((x / 2 ** 31) ** 3 * 5000)}`; // skewed: a few keys are hot
      if (cache.get(key) === undefined) cache.set(key, i);
      else hits++;
    }
    return { hits, window: cache.stats().window, keys: cache.entries().map((e) => e.key).join() };
  };
  const [a, b] = [run(7), run(7)];
  assert.deepEqual(a, b, "the same seed, the same run");
  assert.ok(a.window >= 0.01 && a.window <= 0.95, `window ${a.window}`);
  assert.equal(new MemoryCache().stats().window, null, "LRU has no window");
});
