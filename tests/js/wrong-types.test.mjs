// Each public function and option given values of the wrong type: a coded error or a result,
// never a wasm trap (a string parameter given another type once read garbage in wasm: "memory
// access out of bounds") nor an uncoded TypeError from inside the package; a caller's own
// error (a Proxy that throws) comes back unchanged; the caches stay usable afterwards.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as m from "../../pkg/node.js";

const own = new Error("the caller's own");
const BAD = {
  number: 1, nan: NaN, object: {}, array: [1], null: null, undefined: undefined, symbol: Symbol("s"),
  bigint: 10n, function: () => 1, boolean: true, date: new Date(0),
  proxy: new Proxy({}, { get() { throw own; }, ownKeys() { throw own; }, getPrototypeOf() { throw own; } }),
  // Every operation on it is the engine's TypeError: the package must code it.
  revoked: (() => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  })(),
};
const page = () => new Response("x", { headers: { vary: "a", "cache-control": "max-age=5" } });
const request = () => new Request("http://host.test/x");

test("wrong types everywhere: coded errors, no trap, caches usable", async () => {
  const mc = new m.MemoryCache();
  const c = new m.Cache({ store: m.stores.memory() });
  const calls = {
    "new MemoryCache": (a) => new m.MemoryCache(a),
    "MemoryCache get": (a) => mc.get(a),
    "MemoryCache set timeout": (a) => mc.set("k", 1, a),
    "MemoryCache incr": (a) => mc.incr("k", a),
    "MemoryCache getMany": (a) => mc.getMany(a),
    "MemoryCache setMany": (a) => mc.setMany(a),
    "MemoryCache getOrSet options": (a) => mc.getOrSet("g", () => 1, a),
    "MemoryCache invalidateTags": (a) => mc.invalidateTags(a),
    "new Cache": (a) => new m.Cache(a),
    "Cache get": (a) => c.get(a),
    "Cache set timeout": (a) => c.set("k", 1, a),
    "Cache getOrSet options": (a) => c.getOrSet("g", () => 1, a),
    getCache: (a) => m.getCache(a),
    configureCaches: (a) => m.configureCaches(a),
    makeTemplateFragmentKey: (a) => m.makeTemplateFragmentKey(a),
    "cacheFragment options": (a) => m.cacheFragment("f", [], 5, () => "x", a),
    "cachePage options": (a) => m.cachePage(page, a),
    "cachePage keyPrefix": (a) => m.cachePage(page, { timeout: 5, keyPrefix: a })(request()),
    "cachePage language": (a) => m.cachePage(page, { timeout: 5, language: a })(request()),
    "cachePage timeZone": (a) => m.cachePage(page, { timeout: 5, timeZone: a })(request()),
    "cachePage request": (a) => m.cachePage(page, { timeout: 5 })(a),
    "cacheMiddleware cacheStatusHeader": (a) => m.cacheMiddleware(page, { cacheStatusHeader: a })(request()),
    "getCacheKey request": (a) => m.getCacheKey(a),
    "getCacheKey options": (a) => m.getCacheKey(request(), a),
    "getCacheKey method": (a) => m.getCacheKey(request(), { method: a }),
    "learnCacheKey options": (a) => m.learnCacheKey(request(), page(), a),
    patchResponseHeaders: (a) => m.patchResponseHeaders(page(), a),
    patchVaryHeaders: (a) => m.patchVaryHeaders(page(), a),
    hasVaryHeader: (a) => m.hasVaryHeader(page(), a),
    sessions: (a) => m.sessions(a),
    streamFragments: (a) => m.streamFragments(a),
    "Cache setMany": (a) => c.setMany(a),
    "Cache invalidateTags": (a) => c.invalidateTags(a),
    "MemoryCache warm": (a) => mc.warm(a),
    "MemoryCache warm options": (a) => mc.warm({ k: () => 1 }, a),
    "MemoryCache add": (a) => mc.add(a, 1),
    "MemoryCache touch": (a) => mc.touch("k", a),
    "MemoryCache delete options": (a) => mc.delete("k", a),
    "MemoryCache deleteMany": (a) => mc.deleteMany(a),
    "MemoryCache incrVersion": (a) => mc.incrVersion("k", a),
    "MemoryCache decr": (a) => mc.decr("k", a),
    "MemoryCache namespace": (a) => mc.namespace(a),
    "MemoryCache invalidateNamespace": (a) => mc.invalidateNamespace(a),
    "MemoryCache makeKey": (a) => mc.makeKey(a),
    "MemoryCache on": (a) => mc.on(a, () => {}),
    "MemoryCache on listener": (a) => mc.on("hit", a),
    "Cache add": (a) => c.add("k", 1, a),
    "Cache has": (a) => c.has(a),
    "Cache touch": (a) => c.touch("k", a),
    "Cache getMany": (a) => c.getMany(a),
    "Cache deleteMany": (a) => c.deleteMany(a),
    "Cache incr": (a) => c.incr("k", a),
    "Cache namespace": (a) => c.namespace(a),
    "Cache warm options": (a) => c.warm({ k: () => 1 }, a),
    "Cache on": (a) => c.on(a, () => {}),
    "Cache getOrSet lock": (a) => c.getOrSet("g", () => 1, { lock: a }),
    "Cache getOrSet factory result": (a) => c.getOrSet(`r${String(typeof a)}`, () => a),
    "stores.memory": (a) => m.stores.memory(a),
    "stores.memcached servers": (a) => m.stores.memcached(a),
    "stores.memcached options": (a) => m.stores.memcached(["127.0.0.1:1"], a),
    "stores.redis": (a) => m.stores.redis(a),
    "stores.cloudflareKV": (a) => m.stores.cloudflareKV(a),
    "stores.denoKV": (a) => m.stores.denoKV(a),
    "stores.sql": (a) => m.stores.sql(a),
    "stores.fileSystem": (a) => m.stores.fileSystem(a),
    "stores.localStorage": (a) => m.stores.localStorage(a),
    "stores.cacheStorage": (a) => m.stores.cacheStorage(a),
    "stores.indexedDB": (a) => m.stores.indexedDB(a),
    "cacheMiddleware options": (a) => m.cacheMiddleware(page, a),
    "honoCache options": (a) => m.honoCache(a),
    "patchCacheControl directives": (a) => m.patchCacheControl(page(), a),
    "getMaxAge": (a) => m.getMaxAge(a),
    "addNeverCacheHeaders": (a) => m.addNeverCacheHeaders(a),
    "getSession": (a) => m.getSession(a),
    "sessions options": (a) => m.sessions({ cache: mc, ...(a !== null && typeof a === "object" ? {} : { engine: a }) }),
  };
  const wrong = [];
  for (const [name, call] of Object.entries(calls)) {
    for (const [kind, value] of Object.entries(BAD)) {
      try {
        await call(value);
      } catch (e) {
        if (e === own) continue;
        if (e instanceof WebAssembly.RuntimeError || /memory access|unreachable/.test(String(e?.message))) wrong.push(`${name}(${kind}) trapped: ${e.message}`);
        else if (typeof e?.code !== "string") wrong.push(`${name}(${kind}) threw without a code: ${e?.message}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
  mc.set("after", { a: 1 });
  assert.deepEqual(mc.get("after"), { a: 1 });
  await c.set("after", 2);
  assert.equal(await c.get("after"), 2);
  assert.deepEqual(new m.MemoryCache().getOrSet("x", () => [1]), [1]);
});
