// A platform object passed where its adapter belongs is refused with a message naming it (the
// real objects: miniflare's Workers KV and D1 bindings, node-redis and ioredis clients), and
// store errors without onError are said once on the console; a misspelt option is refused
// wherever options are taken.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { Miniflare } from "miniflare";
import { createClient } from "redis";
import IORedis from "ioredis";
import { Cache, MemoryCache, cacheFragment, cacheMiddleware, cachePage, configureCaches, getCache, getCacheKey, honoCache, makeTemplateFragmentKey, sessions, streamFragments, stores } from "../../pkg/node.js";

const mf = new Miniflare({ modules: true, script: "export default { fetch() { return new Response(''); } }", kvNamespaces: ["KV"], d1Databases: ["DB"] });
after(() => mf.dispose());

test("raw bindings and clients are refused, naming the adapter to use", async () => {
  const cases = [
    [await mf.getKVNamespace("KV"), /Workers KV binding.*stores\.cloudflareKV/],
    [await mf.getD1Database("DB"), /D1 database.*stores\.sql/],
    [createClient(), /Redis client.*stores\.redis/],
    [new IORedis({ lazyConnect: true }), /Redis client.*stores\.redis/],
    // Deno.Kv's shape (Deno itself is not in this process; deno-stores covers the real one).
    [{ get() {}, set() {}, delete() {}, list() {}, atomic() {}, enqueue() {} }, /Deno\.Kv.*stores\.denoKV/],
  ];
  for (const [store, message] of cases) {
    assert.throws(() => new Cache({ store }), (e) => e.code === "INVALID_STORE" && message.test(e.message), String(message));
  }
  // The adapters over the same objects are accepted.
  assert.ok(new Cache({ store: stores.cloudflareKV(await mf.getKVNamespace("KV")) }));
  assert.ok(new Cache({ store: stores.sql(await mf.getD1Database("DB")) }));
});

test("store errors without onError: one console warning, then counted silently", async () => {
  const failing = { name: "failing", get: async () => { throw new Error("down"); }, put: async () => {}, delete: async () => true };
  const cache = new Cache({ store: failing, memory: false });
  const warned = [];
  const warn = console.warn;
  console.warn = (...args) => warned.push(args.join(" "));
  try {
    assert.equal(await cache.get("a"), undefined);
    assert.equal(await cache.get("b"), undefined);
  } finally {
    console.warn = warn;
  }
  assert.equal(warned.length, 1);
  assert.match(warned[0], /store get failed.*down.*onError/);
  assert.equal(cache.stats().storeErrors, 2);
});

test("a misspelt option is refused (UNKNOWN_OPTION) wherever options are taken, and nothing is written", async () => {
  const memory = new MemoryCache();
  const cache = new Cache({ store: stores.memory(), memory: false });
  const refused = [
    ["MemoryCache.set", () => memory.set("k", 1, { timout: 5 })],
    ["MemoryCache.add", () => memory.add("k", 1, { tag: ["t"] })],
    ["MemoryCache.get", () => memory.get("k", undefined, { verison: 2 })],
    ["MemoryCache.getOrSet", () => memory.getOrSet("k", 1, { timeout: 5, staleWhileRevalidat: 30 })],
    ["MemoryCache.delete", () => memory.delete("k", { versoin: 1 })],
    ["Cache.set", () => cache.set("k", 1, { timout: 5 })],
    ["Cache.get", () => cache.get("k", undefined, { verison: 2 })],
    ["Cache.getOrSet", () => cache.getOrSet("k", 1, { staleIfErr: 30 })],
    ["Cache.getMany", () => cache.getMany(["k"], { version: 1, ttl: 3 })],
    ["warm", () => cache.warm({ k: () => 1 }, { concurency: 2 })],
    ["stores.memory", () => stores.memory({ clok: {} })],
    ["stores.redis", () => stores.redis(async () => null, { readfrom: [] })],
    ["stores.sql", () => stores.sql({ prepare() {} }, { maxEntry: 5 })],
    ["stores.cloudflareKV", () => stores.cloudflareKV({ get() {}, put() {}, delete() {}, list() {} }, { encodng: "base64" })],
    ["stores.fileSystem", () => stores.fileSystem("/tmp/edgecache-never", { maxentries: 5 })],
    ["sessions", () => sessions({ maxage: 60 })],
    ["cacheFragment", () => cacheFragment("f", [], 60, () => "x", { use: memory })],
    ["streamFragments", () => streamFragments([], { onFragmnet() {} })],
  ];
  for (const [name, call] of refused) {
    await assert.rejects(async () => call(), { code: "UNKNOWN_OPTION" }, name);
  }
  assert.equal(memory.get("k"), undefined, "no write happened");
  assert.equal(await cache.get("k"), undefined);
  // The options that exist still pass, getOrSet's own included.
  assert.equal(await cache.getOrSet("k", 1, { timeout: 5, version: 2, tags: ["t"], staleWhileRevalidate: 1, staleIfError: 1, beta: 1, lock: true }), 1);
  assert.equal(memory.getOrSet("k", 2, { timeout: 5, staleWhileRevalidate: 1, waitUntil: () => {} }), 2);
});

test("Django's settings names as options: UNKNOWN_OPTION saying which option they are", () => {
  // A newcomer from Django writes CACHES' names; the error named every option but not that one.
  assert.throws(() => new MemoryCache({ TIMEOUT: 5 }), { code: "UNKNOWN_OPTION", message: /use timeout \(Django's TIMEOUT\)/ });
  assert.throws(() => new MemoryCache({ MAX_ENTRIES: 5 }), { code: "UNKNOWN_OPTION", message: /use maxEntries/ });
  assert.throws(() => new MemoryCache({ OPTIONS: { MAX_ENTRIES: 5 } }), { code: "UNKNOWN_OPTION", message: /MAX_ENTRIES is maxEntries/ });
  assert.throws(() => new Cache({ store: stores.memory(), KEY_PREFIX: "x" }), { code: "UNKNOWN_OPTION", message: /use keyPrefix/ });
  assert.throws(() => new MemoryCache({ colour: 1 }), { code: "UNKNOWN_OPTION", message: /known: .*maxEntries/ });
});

test("configureCaches given cache instances instead of options: a clear error naming the class, the registry unchanged", () => {
  configureCaches({ default: { keyPrefix: "before" } });
  const registered = getCache("default");
  // It said "unknown option '__wbg_ptr'" for a MemoryCache (its wasm handle read as an option).
  for (const [instance, name] of [[new MemoryCache(), "MemoryCache"], [new Cache({ store: stores.memory() }), "Cache"]]) {
    assert.throws(() => configureCaches({ default: instance }), (e) => e.code === "INVALID_ARGUMENT" && e.message.includes(`got a ${name}`) && e.message.includes("cachePage's `cache`"));
  }
  assert.equal(getCache("default"), registered);
  // Plain objects, with or without a prototype, are options as before.
  configureCaches({ default: {}, bare: Object.create(null) });
  assert.equal(typeof getCache("bare").get, "function");
});

test("an adapter passed where Cache's options go says to pass { store }; Django's argument orders say how to call", () => {
  assert.throws(() => new Cache(stores.memory()), { code: "INVALID_STORE", message: /new Cache\(\{ store \}\)/ });
  assert.throws(() => cacheFragment(500, "sidebar", [], () => "x"), { code: "INVALID_ARGUMENT", message: /cacheFragment\("sidebar", varyOn, 500, render\)/ });
  assert.throws(() => sessions(async () => new Response("x")), { code: "INVALID_ARGUMENT", message: /sessions\(options\)\(handler\)/ });
  // A cache where the options go was read as no options: the default cache used instead.
  const memory = new MemoryCache();
  assert.throws(() => cacheFragment("n", [], 60, () => "x", new Cache({ store: stores.memory() })), { code: "INVALID_ARGUMENT", message: /got a Cache where its options object goes/ });
  assert.throws(() => cachePage(async () => new Response("x"), memory), { code: "INVALID_ARGUMENT", message: /got a MemoryCache/ });
  assert.throws(() => sessions(memory), { code: "INVALID_ARGUMENT", message: /sessions\(options\) got a MemoryCache/ });
  assert.throws(() => honoCache(memory), { code: "INVALID_ARGUMENT", message: /honoCache\(options\) got a MemoryCache/ });
  assert.equal(getCache("default").get(makeTemplateFragmentKey("n", [])), undefined);
  // Per-call and constructor options read in Rust: a Map's `version` is no property, so the
  // read answered version 1's value.
  memory.set("k", "v2", { version: 2 });
  memory.set("k", "v1");
  assert.throws(() => memory.get("k", "d", new Map([["version", 2]])), { code: "INVALID_ARGUMENT", message: /instance of Map/ });
  assert.throws(() => memory.set("k", 1, new Date(Date.now() + 60_000)), { code: "INVALID_ARGUMENT", message: /instance of Date/ });
  assert.throws(() => new MemoryCache(new Map([["maxEntries", 2]])), { code: "INVALID_ARGUMENT", message: /instance of Map/ });
  assert.throws(() => new Cache(new Map([["store", stores.memory()]])), { code: "INVALID_ARGUMENT", message: /got a Map/ });
  assert.equal(memory.get("k", "d", Object.assign(Object.create(null), { version: 2 })), "v2");
});

test("cachePage called as Django's cache_page is called: errors that say how to call it", async () => {
  const handler = async () => new Response("x");
  assert.throws(() => cachePage({ timeout: 60 }, handler), { code: "INVALID_ARGUMENT", message: /takes the handler first/ });
  assert.throws(() => cachePage(handler, 60), { code: "INVALID_TIMEOUT", message: /cachePage\(handler, \{ timeout: 60 \}\)/ });
  // Django's cache_page(60)(view), as a first try.
  assert.throws(() => cachePage(60), { code: "INVALID_ARGUMENT", message: /cachePage\(handler, \{ timeout: 60 \}\)/ });
  assert.throws(() => cachePage(60, { cache: new MemoryCache() }), { code: "INVALID_ARGUMENT", message: /handler first/ });
  // A timeout where options go was ignored (the page then cached for max-age or the default).
  assert.throws(() => honoCache(60), { code: "INVALID_OPTIONS", message: /honoCache\(\{ timeout: 60 \}\)/ });
  assert.throws(() => cacheMiddleware(handler, 60), { code: "INVALID_OPTIONS", message: /cacheTimeout: 60/ });
  for (const call of [() => cacheMiddleware(handler, "60"), () => stores.memory(5)]) {
    assert.throws(call, { code: "INVALID_OPTIONS", message: /takes its options as an object/ });
  }
  await assert.rejects(async () => getCacheKey(new Request("https://site.test/"), 5), { code: "INVALID_OPTIONS", message: /takes its options as an object/ });
  assert.throws(() => cachePage(handler, { timeout: "60" }), { code: "INVALID_TIMEOUT", message: /got string "60"/ });
  assert.throws(() => cachePage(handler), { code: "INVALID_TIMEOUT", message: /got none/ });
});
