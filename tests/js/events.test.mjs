// Events (cache.on(type, listener)) of MemoryCache, Cache and the page handlers, and warm()'s
// progress: what each source emits, with which key, cache name and timings; that a listener
// that throws never reaches the caller; and that removing the last listener restores the
// plain read path.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Hono } from "hono";
import { Cache, MemoryCache, cachePage, configureCaches, getCache, honoCache, stores } from "../../pkg/node.js";
import { manualClock } from "./helpers.mjs";

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
/** Records every event of `types` from `source`: [type, key, extra fields]. */
function record(source, types) {
  const seen = [];
  const offs = types.map((t) => source.on(t, (e) => seen.push(e)));
  return { seen, off: () => offs.forEach((off) => off()) };
}

test("MemoryCache: hits and misses of get, getMany and getOrSet carry the made key and the cache's name", () => {
  const cache = new MemoryCache({ name: "catalog", keyPrefix: "p" });
  const { seen, off } = record(cache, ["hit", "miss"]);
  cache.set("a", 1);
  assert.equal(cache.get("a"), 1);
  assert.equal(cache.get("b", "dflt"), "dflt", "the default is still returned");
  assert.equal(cache.get("b"), undefined);
  assert.equal(cache.get(42, null), null, "a non-string key (the general path)");
  assert.deepEqual([...cache.getMany(["a", "c"])], [["a", 1]]);
  assert.equal(cache.getOrSet("g", () => 3), 3);
  assert.equal(cache.getOrSet("g", () => 4), 3);
  assert.equal(cache.getOrSet("h", "plain"), "plain", "a non-function default");
  assert.deepEqual(seen.map((e) => [e.type, e.key, e.cache]), [
    ["hit", "p:1:a", "catalog"],
    ["miss", "p:1:b", "catalog"],
    ["miss", "p:1:b", "catalog"],
    ["miss", "p:1:42", "catalog"],
    ["hit", "p:1:a", "catalog"],
    ["miss", "p:1:c", "catalog"],
    ["miss", "p:1:g", "catalog"],
    ["hit", "p:1:g", "catalog"],
    ["miss", "p:1:h", "catalog"],
  ]);
  off();
  cache.get("a");
  assert.equal(seen.length, 9, "nothing after the listeners are removed");
});

test("MemoryCache: only a cache with a listener observes its reads, and only while it has one", () => {
  const proto = { get: MemoryCache.prototype.get, getMany: MemoryCache.prototype.getMany, getOrSet: MemoryCache.prototype.getOrSet };
  const [a, b] = [new MemoryCache(), new MemoryCache()];
  const offA = a.on("hit", () => {});
  assert.notEqual(a.get, proto.get, "a observes its reads");
  assert.equal(b.get, proto.get, "b, without a listener, reads as before");
  offA();
  assert.deepEqual({ get: a.get, getMany: a.getMany, getOrSet: a.getOrSet }, proto, "a's last listener removed: the plain methods");
  assert.deepEqual({ get: MemoryCache.prototype.get, getMany: MemoryCache.prototype.getMany, getOrSet: MemoryCache.prototype.getOrSet }, proto, "the prototype never changes");
});

test("MemoryCache: stale, refresh and refreshed from getOrSet's serve-stale; evict beside onEvict", async () => {
  const clock = manualClock();
  const evicted = [];
  const cache = new MemoryCache({ clock, maxEntries: 2, cullFrequency: 2, onEvict: (key, reason) => evicted.push([key, reason]) });
  const { seen } = record(cache, ["hit", "miss", "stale", "refresh", "refreshed", "evict"]);
  cache.getOrSet("k", () => "v1", { timeout: 10, staleWhileRevalidate: 60 });
  clock.advance(20);
  assert.equal(cache.getOrSet("k", async () => "v2", { timeout: 10, staleWhileRevalidate: 60 }), "v1", "the stale value at once");
  await tick();
  await tick();
  assert.equal(cache.get("k"), "v2", "refreshed in the background");
  cache.set("x", 1);
  cache.set("y", 2);
  await tick();
  const reads = seen.filter((e) => e.type !== "evict");
  assert.deepEqual(reads.map((e) => e.type), ["miss", "miss", "stale", "refresh", "refreshed", "hit"]);
  assert.ok(reads[4].duration >= 0, "refreshed carries its duration");
  const evicts = seen.filter((e) => e.type === "evict").map((e) => [e.key, e.reason]);
  assert.deepEqual(evicts[0], [":1:k", "set"], "the refresh replaced the stale value");
  assert.ok(evicts.some(([, reason]) => reason === "evict"), "culled entries reach the listeners");
  assert.deepEqual(evicts, evicted, "and onEvict still gets each one");
});

test("Cache: hit, miss, stale, refresh, refreshed, storeError, corrupt, evict and lease events", async () => {
  const clock = manualClock();
  let failing = false;
  const inner = stores.memory();
  const store = { ...inner, get: (k) => (failing ? Promise.reject(new Error("down")) : inner.get(k)) };
  const cache = new Cache({ store, clock, memory: false, name: "api", onError: () => {} });
  const { seen } = record(cache, ["hit", "miss", "stale", "refresh", "refreshed", "storeError", "corrupt", "evict", "leaseAcquired"]);
  await cache.set("k", 1, 10);
  await cache.get("k");
  await cache.get("none");
  failing = true;
  await cache.get("k");
  failing = false;
  await inner.put(":1:bad", new Uint8Array([1, 2, 3]));
  await cache.get("bad");
  await cache.delete("k");
  await cache.getOrSet("s", () => "old", { timeout: 10, staleWhileRevalidate: 60, lock: true });
  clock.advance(20);
  const background = [];
  await cache.getOrSet("s", async () => "new", { timeout: 10, staleWhileRevalidate: 60, waitUntil: (p) => background.push(p) });
  await Promise.all(background);
  const brief = seen.map((e) => [e.type, e.key]);
  assert.deepEqual(brief, [
    ["hit", ":1:k"],
    ["miss", ":1:none"],
    ["storeError", ":1:k"],
    ["miss", ":1:k"],
    ["corrupt", ":1:bad"],
    ["miss", ":1:bad"],
    ["evict", ":1:k"],
    ["miss", ":1:s"],
    ["leaseAcquired", ":1:s"],
    ["miss", ":1:s"],
    ["stale", ":1:s"],
    ["refresh", ":1:s"],
    ["refreshed", ":1:s"],
  ]);
  assert.ok(seen.every((e) => e.cache === "api"), "each carries the cache's name");
  const byType = Object.fromEntries(seen.map((e) => [e.type, e]));
  assert.equal(byType.storeError.op, "get");
  assert.equal(byType.storeError.error.message, "down");
  assert.ok(byType.hit.duration >= 0 && byType.refreshed.duration >= 0, "timings where they exist");
  assert.equal(byType.evict.reason, "delete");
  assert.equal(byType.corrupt.error.code, "CORRUPT_VALUE");
});

test("Cache: a listener that throws never reaches the caller; removing the last listener stops events", async () => {
  const cache = new Cache({ store: stores.memory() });
  const errors = [];
  const original = console.error;
  console.error = (...args) => errors.push(args);
  try {
    const off = cache.on("miss", () => {
      throw new Error("listener bug");
    });
    assert.equal(await cache.get("k", "d"), "d");
    assert.equal(cache.stats().hookErrors, 1, "counted");
    assert.match(String(errors[0][0]), /'miss' listener/, "reported");
    off();
    await cache.get("k");
    assert.equal(cache.stats().hookErrors, 1, "removed");
  } finally {
    console.error = original;
  }
  assert.throws(() => cache.on("hits", () => {}), { code: "UNKNOWN_EVENT" });
  assert.throws(() => cache.on("hit", "nope"), { code: "INVALID_ARGUMENT" });
});

test("registry caches are named by their alias", () => {
  configureCaches({ default: {}, shared: { backend: "kv", store: stores.memory() }, named: { name: "mine" } });
  assert.equal(getCache("default").name, "default");
  assert.equal(getCache("shared").name, "shared");
  assert.equal(getCache("named").name, "mine");
  configureCaches({ default: {} });
});

test("page handlers: one event per request (miss, hit, stale, bypass) with the URL and timings", async () => {
  const clock = manualClock();
  const cache = new Cache({ store: stores.memory(), clock, name: "pages" });
  const page = cachePage(async () => new Response("x", { headers: { "cache-control": "max-age=60" } }), { timeout: 10, cache, clock, staleWhileRevalidate: 60 });
  const { seen } = record(page, ["hit", "miss", "stale", "bypass"]);
  await page(new Request("http://shop.test/a"));
  await page(new Request("http://shop.test/a"));
  clock.advance(20);
  await page(new Request("http://shop.test/a"));
  await page(new Request("http://shop.test/a", { headers: { "x-forwarded-host": "evil.test" } }));
  assert.deepEqual(seen.map((e) => [e.type, e.url, e.cache]), [
    ["miss", "http://shop.test/a", "pages"],
    ["hit", "http://shop.test/a", "pages"],
    ["stale", "http://shop.test/a", "pages"],
    ["bypass", "http://shop.test/a", "pages"],
  ]);
  assert.ok(seen.every((e) => e.duration >= 0 && typeof e.key === "string"));
  assert.throws(() => page.on("evict", () => {}), { code: "UNKNOWN_EVENT" });

  const app = new Hono();
  const middleware = honoCache({ timeout: 60, cache });
  const hono = record(middleware, ["hit", "miss"]);
  app.use("/p/*", middleware);
  app.get("/p/:id", (c) => c.text(`p${c.req.param("id")}`));
  await app.request("/p/1");
  await app.request("/p/1");
  assert.deepEqual(hono.seen.map((e) => e.type), ["miss", "hit"]);
});

test("warm reports each settled loader with the counts so far", async () => {
  const cache = new Cache({ store: stores.memory() });
  const progress = [];
  const report = await cache.warm({ a: () => 1, b: async () => { throw new Error("no"); }, c: () => 3 }, {
    concurrency: 1,
    onProgress: (p) => progress.push(p),
  });
  assert.deepEqual(report.stored, ["a", "c"]);
  assert.deepEqual(progress.map(({ key, ok, done, total, stored, failed }) => [key, ok, done, total, stored, failed]), [
    ["a", true, 1, 3, 1, 0],
    ["b", false, 2, 3, 1, 1],
    ["c", true, 3, 3, 2, 1],
  ]);
  assert.equal(progress[1].error.message, "no");
  const sync = new MemoryCache();
  const seen = [];
  await sync.warm({ x: () => 1 }, { onProgress: () => { seen.push(1); throw new Error("progress bug"); } }).then((r) => assert.deepEqual(r.stored, ["x"]));
  assert.equal(seen.length, 1, "a throwing onProgress does not fail warm");
  await assert.rejects(cache.warm({ a: () => 1 }, { onProgress: 5 }), { code: "INVALID_OPTIONS" });
});

test("a listener that reads the cache it listens to does not feed itself (sync and async)", async () => {
  const memory = new MemoryCache();
  memory.set("a", 1);
  let calls = 0;
  memory.on("hit", () => {
    calls++;
    assert.equal(memory.get("a"), 1, "the listener's own read works");
  });
  assert.equal(memory.get("a"), 1);
  assert.equal(calls, 1, "the listener's read is not delivered back to it");

  const cache = new Cache({ store: stores.memory() });
  await cache.set("a", 1);
  let asyncCalls = 0;
  const reads = [];
  cache.on("hit", () => {
    asyncCalls++;
    reads.push(cache.get("a")); // resolves after the listener returned
  });
  assert.equal(await cache.get("a"), 1);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(await Promise.all(reads), [1]);
  assert.equal(asyncCalls, 1, "a read the listener started emits nothing, even later");
  assert.equal(await cache.get("a"), 1);
  assert.equal(asyncCalls, 2, "reads outside the listener still do");
});
