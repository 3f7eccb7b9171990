// Adversarial inputs (issue: trust). Whatever a value, key, option or callback does, one call
// fails with a clear error at most, nothing is stored, and the cache works as before.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryCache, Cache, stores, DummyCache } from "../../pkg/node.js";
// The generated bindings, for the memory cap that lets a test run out of memory cheaply.
import { __setMemoryLimit } from "../../pkg/edgecache.js";
import { seeded } from "./helpers.mjs";

/** Values whose copy throws part-way, each built fresh. */
function hostileValues() {
  const revoked = () => {
    const { proxy, revoke } = Proxy.revocable({ a: 1 }, {});
    revoke();
    return proxy;
  };
  const detached = () => {
    const buffer = new ArrayBuffer(8);
    const view = new Uint8Array(buffer);
    structuredClone(buffer, { transfer: [buffer] });
    return view;
  };
  const throwingElement = () => {
    const a = [1, 2, 3];
    Object.defineProperty(a, 1, { get() { throw new Error("element getter"); } });
    return a;
  };
  const overriddenMap = () => {
    const m = new Map([["a", 1]]);
    m[Symbol.iterator] = () => { throw new Error("iterator"); };
    m.entries = () => { throw new Error("entries"); };
    return m;
  };
  const trap = (name) => new Proxy({ a: 1 }, { [name]() { throw new Error(`${name} trap`); } });
  const badDate = () => {
    const d = new Date(0);
    d.getTime = () => { throw new Error("getTime"); };
    return d;
  };
  const getter = () => ({ ok: 1, get bad() { throw new RangeError("getter"); } });
  return {
    "revoked proxy (nested)": () => ({ draft: revoked() }),
    "revoked proxy (top level)": revoked,
    "typed array over a detached buffer": detached,
    "detached typed array nested": () => [detached()],
    "array element getter that throws": throwingElement,
    "Map with overridden iterator": overriddenMap,
    "Proxy whose getOwnPropertyDescriptor throws": () => ({ x: trap("getOwnPropertyDescriptor") }),
    "Proxy whose getPrototypeOf throws": () => ({ x: trap("getPrototypeOf") }),
    "Proxy whose ownKeys throws": () => trap("ownKeys"),
    "Proxy whose get throws": () => [trap("get")],
    "Date whose getTime throws": badDate,
    "object getter that throws": getter,
    "a function": () => ({ f() {} }),
    "a symbol": () => [Symbol("s")],
    "a class instance": () => ({ u: new URL("https://x") }),
    "a cycle": () => { const o = {}; o.o = o; return o; },
  };
}

function assertUsable(cache) {
  cache.set("after", { ok: [1, 2] });
  assert.deepEqual(cache.get("after"), { ok: [1, 2] });
  cache.set("s", "string");
  assert.equal(cache.get("s"), "string");
  assert.equal(typeof cache.stats().hits, "number");
  cache.clear();
  assert.equal(cache.get("after"), undefined);
}

/** The error a failed write may throw: coded, or a caller's own error unchanged. */
function assertClearError(error, name) {
  if (error instanceof TypeError || error instanceof RangeError) {
    assert.equal(typeof error.code, "string", `${name}: no code on ${error}`);
  } else {
    assert.ok(error instanceof Error, `unexpected throw ${error}`);
  }
}

test("a value whose copy throws part-way fails that one call and leaves the cache as it was", () => {
  for (const [name, make] of Object.entries(hostileValues())) {
    const cache = new MemoryCache({ maxEntries: 100 });
    cache.set("k", "before");
    for (const call of [
      () => cache.set("k", make()),
      () => cache.add("new", make()),
      () => cache.setMany({ k: make() }),
      () => cache.setMany(new Map([["k", "fine"], ["j", make()]])),
      () => cache.getOrSet("g", () => make()),
      () => cache.set("k", make(), { timeout: 5, tags: ["t"] }),
    ]) {
      let thrown;
      try {
        call();
      } catch (e) {
        thrown = e;
      }
      // A Date with an overridden getTime is stored the way structuredClone stores it.
      if (thrown === undefined) {
        // Copied with the engine's intrinsics, as structuredClone does: no user code runs.
        assert.ok(/Date|Map/.test(name), `${name}: expected a throw`);
        continue;
      }
      assertClearError(thrown, name);
      assert.equal(cache.get("k"), "before", name);
      assert.equal(cache.has("new"), false, name);
      assert.equal(cache.has("j"), false, name);
    }
    assertUsable(cache);
  }
});

test("engine errors while copying are UNSERIALIZABLE_VALUE TypeErrors; a getter's own error is rethrown unchanged", () => {
  const cache = new MemoryCache();
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  for (const value of [proxy, { nested: proxy }]) {
    assert.throws(() => cache.set("k", value), (e) => e instanceof TypeError && e.code === "UNSERIALIZABLE_VALUE");
  }
  const buffer = new ArrayBuffer(4);
  const view = new Int32Array(buffer);
  structuredClone(buffer, { transfer: [buffer] });
  assert.throws(() => cache.set("k", view), (e) => e.code === "UNSERIALIZABLE_VALUE" && /could not be copied/.test(e.message));
  const own = new Error("mine");
  assert.throws(() => cache.set("k", { get x() { throw own; } }), (e) => e === own);
  assert.throws(() => cache.set("k", [Symbol()]), (e) => e instanceof TypeError && e.code === "UNSERIALIZABLE_VALUE");
});

test("every value type still round-trips through the JS encoder", () => {
  const cache = new MemoryCache();
  const sparse = [1, , 3]; // eslint-disable-line no-sparse-arrays
  const values = [
    null, true, false, 0, -0, NaN, Infinity, -Infinity, 1.5, "", "é😀", 0n, -1n, 128n, -129n, 2n ** 100n, -(2n ** 70n),
    new Date(5), new Map([[1, { a: [2] }], ["x", new Set([1n])]]), new Set(["a", null]),
    new Uint8Array([1, 2]), new Float64Array([1.5, -0]), new BigInt64Array([-1n]), new DataView(new ArrayBuffer(3)),
    new ArrayBuffer(2), new Uint8Array(new ArrayBuffer(8), 2, 3), sparse, [undefined, null],
    { ["__proto__"]: 1 }, JSON.parse('{"__proto__": {"x": 1}}'), { nested: { deep: [[[{ x: 1 }]]] } },
  ];
  values.forEach((v, i) => {
    cache.set(`v${i}`, v);
    assert.deepEqual(cache.get(`v${i}`), v, `value ${i}`);
  });
  cache.set("invalid date", new Date(NaN));
  assert.ok(Number.isNaN(cache.get("invalid date").getTime()));
  // As structuredClone does, a null-prototype object comes back as a plain one.
  cache.set("null proto", { __proto__: null, a: 1 });
  assert.deepEqual(cache.get("null proto"), { a: 1 });
  const got = cache.get(`v${values.indexOf(sparse)}`);
  assert.equal(1 in got, false);
  assert.ok(Object.is(cache.get(`v${values.findIndex((v) => Object.is(v, -0))}`), -0));
});

test("callbacks may use the cache they belong to", async () => {
  const seen = [];
  const cache = new MemoryCache({
    keyFunction: (key, prefix, version) => {
      if (key === "peek") seen.push(cache.get("inner"));
      return `${prefix}:${version}:${key}`;
    },
    onWarning: () => seen.push(cache.has("inner")),
  });
  cache.set("inner", 7);
  cache.set("peek", 1);
  assert.deepEqual(seen, [7]);
  cache.set("a b", 1); // a warning: onWarning calls has()
  assert.deepEqual(seen, [7, true]);
  // A getOrSet factory that reads and writes the same cache.
  const value = cache.getOrSet("outer", () => {
    cache.set("side", 2);
    return (cache.get("inner") ?? 0) + 1;
  });
  assert.equal(value, 8);
  assert.equal(cache.get("side"), 2);
  assert.equal(cache.get("outer"), 8);
  // A getter in the value being stored that reads the cache.
  cache.set("g", { get x() { return cache.get("inner"); } });
  assert.deepEqual(cache.get("g"), { x: 7 });
});

test("onEvict can write the cache without looping, and what it throws is reported, not raised", async () => {
  let calls = 0;
  const cache = new MemoryCache({
    maxEntries: 2,
    cullFrequency: 1,
    onEvict(key) {
      calls++;
      cache.set("lastEvicted", key);
    },
  });
  for (let i = 0; i < 5; i++) cache.set(`k${i}`, i);
  for (let i = 0; i < 20; i++) await null;
  assert.ok(calls > 0 && calls < 20, `hook ran ${calls} times`);
  // It has stopped: a hook fed by its own writes would still be running a tick later.
  const settled = calls;
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(calls, settled);
  assert.equal(typeof cache.get("lastEvicted"), "string");

  const logged = [];
  const original = console.error;
  console.error = (...args) => logged.push(args);
  try {
    const thrower = new MemoryCache({ maxEntries: 1, cullFrequency: 1, onEvict() { throw new Error("hook"); } });
    thrower.set("a", 1);
    thrower.set("b", 2);
    thrower.set("c", 3);
    for (let i = 0; i < 5; i++) await null;
    assert.equal(thrower.stats().hookErrors, 2);
    assert.equal(logged.length, 2);
    assert.equal(thrower.get("c"), 3);
  } finally {
    console.error = original;
  }
});

test("keys with lone surrogates are refused, never merged with U+FFFD", () => {
  for (const cache of [new MemoryCache(), new DummyCache()]) {
    for (const key of ["user:\uD800", "user:\uDC00", "\uDBFF", "a\uDC00b"]) {
      for (const call of [() => cache.get(key), () => cache.set(key, 1), () => cache.has(key), () => cache.get(key, 0, { version: 2 })]) {
        assert.throws(call, (e) => e instanceof TypeError && e.code === "INVALID_KEY");
      }
    }
  }
  const cache = new MemoryCache();
  cache.set("user:\uFFFD", "replacement char");
  cache.set("pair:\uD83D\uDE00", "emoji");
  assert.equal(cache.get("user:\uFFFD"), "replacement char");
  assert.equal(cache.get("pair:\uD83D\uDE00"), "emoji");
  assert.throws(() => cache.get("user:\uD800"), { code: "INVALID_KEY" });
  const bad = new MemoryCache({ keyFunction: () => "k\uD800" });
  assert.throws(() => bad.set("x", 1), { code: "INVALID_KEY_FUNCTION_RESULT" });
  // Everything else a key or entry is made of: tags, prefixes, locations.
  assert.throws(() => cache.set("t", 1, { tags: ["a\uD800"] }), { code: "INVALID_TAGS" });
  assert.throws(() => cache.invalidateTags(["a\uDC00"]), { code: "INVALID_TAGS" });
  assert.throws(() => new MemoryCache({ keyPrefix: "p\uD800" }), { code: "INVALID_OPTION" });
  assert.throws(() => new MemoryCache({ location: "l\uDC00" }), { code: "INVALID_OPTION" });
});

test("lone surrogate keys are refused by the async Cache too", async () => {
  const cache = new Cache({ store: stores.memory() });
  await assert.rejects(cache.set("user:\uD800", 1), { code: "INVALID_KEY" });
  await cache.set("user:\uFFFD", 2);
  await assert.rejects(cache.get("user:\uDC00"), { code: "INVALID_KEY" });
  assert.equal(await cache.get("user:\uFFFD"), 2);
});

test("a value over the byte budget is refused before it is copied into wasm memory", () => {
  const cache = new MemoryCache({ maxBytes: 1 << 20 });
  const before = cache.stats();
  cache.set("k", "kept");
  const huge = "x".repeat(64 << 20);
  cache.set("big", huge);
  cache.set("k", new Uint8Array(32 << 20));
  assert.equal(cache.add("other", [huge]), false);
  assert.equal(cache.get("big"), undefined);
  assert.equal(cache.get("k"), undefined); // a refused set removes the old value, as Django's would be replaced
  assert.equal(cache.stats().rejected, before.rejected + 3);
  assert.deepEqual(cache.setMany({ a: 1, b: huge }), ["b"]);
  assert.equal(cache.get("a"), 1);
});

/** A store adapter that answers with another key's record: a mix-up in a proxy or a replica. */
function mixingStore() {
  const inner = stores.memory();
  let swap = null;
  return {
    ...inner,
    limits: inner.limits,
    swap(from, to) {
      swap = [from, to];
    },
    async get(key) {
      if (swap && key.endsWith(swap[0])) {
        const other = [...inner.map.keys()].find((k) => k.endsWith(swap[1]));
        return inner.get(other);
      }
      return inner.get(key);
    },
  };
}

test("a record read back under another key, prefix or version is a counted, reported miss", async () => {
  const store = mixingStore();
  const errors = [];
  const tenantA = new Cache({ store, keyPrefix: "a", memory: false, onError: (e) => errors.push(e) });
  const tenantB = new Cache({ store, keyPrefix: "b", memory: false, onError: (e) => errors.push(e) });
  await tenantA.set("secret", "A's value");
  await tenantB.set("secret", "B's value");
  await tenantA.set("other", "not secret");
  await tenantA.set("v", "version 1", { version: 1 });
  await tenantA.set("v", "version 2", { version: 2 });
  assert.equal(await tenantA.get("secret"), "A's value");

  store.swap("a:1:secret", "b:1:secret"); // another tenant's record
  assert.equal(await tenantA.get("secret"), undefined);
  store.swap("a:1:secret", "a:1:other"); // another key's record
  assert.equal(await tenantA.get("secret"), undefined);
  store.swap("a:1:v", "a:2:v"); // another version's record
  assert.equal(await tenantA.get("v", undefined, { version: 1 }), undefined);
  assert.equal(tenantA.stats().corruptRecords, 3);
  assert.equal(errors.length, 3);
  assert.ok(errors.every((e) => e.code === "CORRUPT_VALUE" && /another key/.test(e.message)));
});

test("garbage from a store adapter is a counted store error, never a rejected read", async () => {
  for (const answer of [42, "OK", null, { length: 1 }, [1, 2, 3], ["not bytes", 7]]) {
    const inner = stores.memory();
    const store = { ...inner, limits: inner.limits, getMany: async () => answer };
    const errors = [];
    const cache = new Cache({ store, memory: false, onError: (e) => errors.push(e) });
    await cache.set("a", 1, { tags: ["x", "y"] });
    await cache.set("b", 2);
    const got = await cache.getMany(["a", "b"]);
    assert.ok(got instanceof Map);
    assert.ok(cache.stats().storeErrors + cache.stats().corruptRecords > 0, JSON.stringify(answer));
  }
  for (const swapped of [1, "OK", undefined, null, {}]) {
    const inner = stores.memory();
    const store = { ...inner, limits: inner.limits, async compareAndSwap(...args) { await inner.compareAndSwap(...args); return swapped; } };
    const errors = [];
    const cache = new Cache({ store, memory: false, onError: (e) => errors.push(e) });
    assert.equal(await cache.add("k", 1), false);
    assert.equal(errors[0]?.code, "STORE_PROTOCOL");
    assert.equal(cache.stats().storeErrors, 1);
  }
});

test("an onError or onEvict hook that throws never fails the operation", async () => {
  const original = console.error;
  const logged = [];
  console.error = (...args) => logged.push(args);
  try {
    const store = { ...stores.memory(), get: async () => { throw new Error("down"); } };
    store.limits = stores.memory().limits;
    const cache = new Cache({ store, memory: false, onError() { throw new Error("hook"); }, onEvict() { throw new Error("evict hook"); } });
    assert.equal(await cache.get("k", "default"), "default");
    await cache.set("k", 1);
    await cache.delete("k");
    assert.ok(cache.stats().hookErrors >= 2);
    assert.ok(logged.length >= 2);
  } finally {
    console.error = original;
  }
});

test("requests with host, scheme or method override headers are never stored nor answered from the cache", async () => {
  const { cachePage } = await import("../../pkg/node.js");
  const overrides = ["Forwarded", "X-Forwarded-Proto", "X-Forwarded-Scheme", "X-Forwarded-Port", "X-Forwarded-Server", "X-Forwarded-Prefix", "X-Original-Host", "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override", "X-Forwarded-Host"];
  for (const name of overrides) {
    let calls = 0;
    const h = cachePage(async (r) => new Response(`${++calls} ${r.headers.get(name) ?? "clean"}`), { timeout: 60, cache: new MemoryCache(), cacheStatusHeader: "X-Cache" });
    const poisoned = await h(new Request("http://site/p", { headers: { [name]: "evil" } }));
    assert.equal(poisoned.headers.get("x-cache"), "BYPASS", name);
    const clean = await h(new Request("http://site/p"));
    assert.equal(await clean.text(), "2 clean", name);
    const cleanAgain = await h(new Request("http://site/p"));
    assert.equal(cleanAgain.headers.get("x-cache"), "HIT");
    const poisonedAgain = await h(new Request("http://site/p", { headers: { [name]: "evil" } }));
    assert.equal(poisonedAgain.headers.get("x-cache"), "BYPASS", `${name}: never answered from the cache`);
  }
  // Declared in keyHeaders: its value enters the key.
  let calls = 0;
  const h = cachePage(async (r) => new Response(`${++calls} ${r.headers.get("x-forwarded-proto")}`), { timeout: 60, cache: new MemoryCache(), keyHeaders: ["X-Forwarded-Proto"], cacheStatusHeader: "X-Cache" });
  const https = (await h(new Request("http://site/p", { headers: { "x-forwarded-proto": "https" } }))).text();
  assert.equal(await https, "1 https");
  assert.equal(await (await h(new Request("http://site/p", { headers: { "x-forwarded-proto": "http" } }))).text(), "2 http");
  const again = await h(new Request("http://site/p", { headers: { "x-forwarded-proto": "https" } }));
  assert.equal(again.headers.get("x-cache"), "HIT");
  assert.equal(await again.text(), "1 https");
});

test("a coalesced request with Authorization is never answered with an anonymous page", async () => {
  const { cachePage } = await import("../../pkg/node.js");
  let release;
  const gate = new Promise((resolve) => (release = resolve));
  let calls = 0;
  const h = cachePage(async (r) => {
    calls++;
    if (calls === 1) await gate;
    return new Response(r.headers.get("authorization") ? "private" : "public");
  }, { timeout: 60, cache: new MemoryCache(), cacheStatusHeader: "X-Cache" });
  const anon = h(new Request("http://site/p"));
  await null;
  const authed = h(new Request("http://site/p", { headers: { authorization: "Bearer x" } }));
  release();
  assert.equal(await (await anon).text(), "public");
  const answer = await authed;
  assert.equal(await answer.text(), "private");
  assert.notEqual(answer.headers.get("x-cache"), "HIT");
});

test("out of wasm memory: the write throws OUT_OF_MEMORY, the cache is unchanged and usable, clear() frees", () => {
  const cache = new MemoryCache({ maxEntries: 100_000 });
  cache.set("keep", { a: [1] });
  const current = __setMemoryLimit(0);
  __setMemoryLimit(current + (24 << 20));
  try {
    for (const [name, value] of [["bytes", new Uint8Array(1 << 20)], ["string", "s".repeat(60_000)], ["object", { list: Array.from({ length: 20_000 }, (_, i) => i) }]]) {
      let stored = 0;
      let error;
      for (let i = 0; i < 10_000; i++) {
        try {
          cache.set(`${name}${i}`, value);
        } catch (e) {
          error = e;
          break;
        }
        stored++;
      }
      assert.equal(error?.code, "OUT_OF_MEMORY", `${name}: ${error}`);
      assert.ok(stored > 0, name);
      assert.equal(cache.has(`${name}${stored}`), false, `${name}: nothing stored`);
      assert.deepEqual(cache.get("keep"), { a: [1] });
      assert.equal(cache.get(`${name}0`).length, value.length);
      assert.equal(cache.add("keep", 2), false);
      cache.clear();
      // The freed memory takes as many again.
      for (let i = 0; i < stored; i++) cache.set(`${name}${i}`, value);
      assert.equal(cache.size, stored);
      cache.clear();
      cache.set("keep", { a: [1] });
    }
  } finally {
    __setMemoryLimit(Infinity);
  }
});

test("fuzz: random and mutated store bytes read as the value or a counted miss, never a throw", async () => {
  const next = seeded(7);
  const inner = stores.memory();
  const cache = new Cache({ store: inner, memory: false });
  const values = ["text", { a: [1, 2n, new Date(3)] }, new Uint8Array([1, 2, 3]), 42, null];
  for (const [i, v] of values.entries()) await cache.set(`k${i}`, v, { tags: i % 2 ? ["t"] : undefined });
  const originals = new Map([...inner.map].map(([k, e]) => [k, e.value.slice()]));
  let misses = 0;
  for (let round = 0; round < 1500; round++) {
    const [key, bytes] = [...originals][round % originals.size];
    const mutated = bytes.slice();
    const kind = round % 3;
    if (kind === 0) mutated[Math.floor(next() * mutated.length)] ^= 1 << Math.floor(next() * 8);
    const data = kind === 1 ? mutated.subarray(0, Math.floor(next() * mutated.length)) : kind === 2 ? Uint8Array.from({ length: Math.floor(next() * 80) }, () => Math.floor(next() * 256)) : mutated;
    inner.map.set(key, { value: data, expires: Infinity });
    const i = Number(key.split(":").pop().slice(1));
    if (Number.isNaN(i)) continue;
    const got = await cache.get(`k${i}`);
    if (got === undefined) misses++;
    else assert.deepEqual(got, values[i]);
    inner.map.set(key, { value: bytes, expires: Infinity });
  }
  assert.ok(misses > 0);
  assert.ok(cache.stats().corruptRecords > 0);
});

test("fuzz: random bytes under a page key are a miss for cachePage, never a throw", async () => {
  const { cachePage, learnCacheKey } = await import("../../pkg/node.js");
  const next = seeded(11);
  const memory = new MemoryCache();
  let calls = 0;
  const h = cachePage(async () => new Response(`fresh ${++calls}`), { timeout: 60, cache: memory });
  const key = await learnCacheKey(new Request("http://site/p"), new Response(""), { cache: memory });
  for (let round = 0; round < 500; round++) {
    const length = Math.floor(next() * 64);
    const bytes = Uint8Array.from({ length }, () => Math.floor(next() * 256));
    if (round % 2 === 0 && length >= 8) bytes.set([0x45, 0x50, 1, 0]); // the page magic
    memory.set(key, round % 5 === 0 ? "a string" : bytes, 60);
    const response = await h(new Request("http://site/p"));
    assert.match(await response.text(), /^fresh \d+$/);
    memory.delete(key);
  }
});

test("every method, every argument position: hostile arguments get a coded error (or the caller's own), and the cache still works", async () => {
  const revoked = (target) => () => {
    const { proxy, revoke } = Proxy.revocable(target, {});
    revoke();
    return proxy;
  };
  const hostile = {
    "revoked object": revoked({}),
    "revoked array": revoked([]),
    symbol: () => Symbol("s"),
    bigint: () => 5n,
    function: () => () => 1,
    NaN: () => NaN,
    "empty object": () => ({}),
    "throwing getters": () => ({ get timeout() { throw new RangeError("timeout getter"); }, get version() { throw new RangeError("version getter"); } }),
    "throwing iterator": () => ({ [Symbol.iterator]() { throw new RangeError("iterator"); } }),
  };
  const calls = {
    get: [["k"], 3], set: [["k", 1], 3], add: [["k", 1], 3], getOrSet: [["k", 1], 3], getMany: [[["k"]], 2],
    setMany: [[{ k: 1 }], 2], delete: [["k"], 2], deleteMany: [[["k"]], 2], has: [["k"], 2], touch: [["k"], 2],
    incr: [["n", 1], 3], decr: [["n", 1], 3], incrVersion: [["v", 1], 3], decrVersion: [["v", 1], 3],
    makeKey: [["k", 1], 2], invalidateTags: [[["t"]], 1],
  };
  const caches = [new MemoryCache(), new DummyCache(), new Cache({ store: stores.memory() })];
  for (const cache of caches) {
    const kind = cache.constructor.name;
    for (const [method, [args, arity]] of Object.entries(calls)) {
      if (typeof cache[method] !== "function") continue;
      for (let position = 0; position < arity; position++) {
        for (const [name, make] of Object.entries(hostile)) {
          // A Cache resolves with the caller's default as given: awaiting a revoked Proxy is the caller's own throw.
          if (kind === "Cache" && method === "get" && position === 1) continue;
          const a = [...args];
          while (a.length < arity) a.push(undefined);
          a[position] = make();
          await cache.set("n", 1);
          await cache.set("v", 1);
          try {
            const result = cache[method](...a);
            if (kind === "Cache") await result;
          } catch (e) {
            const own = e instanceof RangeError && /getter|iterator/.test(e.message);
            assert.ok(own || typeof e?.code === "string", `${kind}.${method} argument ${position} = ${name}: ${e}`);
          }
          if (kind !== "DummyCache") {
            await cache.set("ok", { fine: true });
            assert.deepEqual(await cache.get("ok"), { fine: true }, `${kind} after ${method}(${name})`);
          }
        }
      }
    }
  }
});

test("the async Cache: a value whose copy throws fails that one call and the cache works; callbacks may use it", async () => {
  const store = stores.memory();
  let cache;
  cache = new Cache({ store, keyFunction: (key, prefix, version) => `${prefix}:${version}:${key === "peek" ? cache.makeKey("inner") : key}` });
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  await assert.rejects(cache.set("k", { draft: proxy }), { code: "UNSERIALIZABLE_VALUE" });
  await assert.rejects(cache.add("k", [proxy]), { code: "UNSERIALIZABLE_VALUE" });
  assert.equal(await cache.get("k"), undefined);
  await cache.set("k", [1]);
  assert.deepEqual(await cache.get("k"), [1]);
  await cache.set("peek", 2); // the key function calls makeKey on the same Cache
  assert.equal(await cache.get("peek"), 2);
  const value = await cache.getOrSet("outer", async () => (await cache.get("k"))[0] + 1);
  assert.equal(value, 2);
});

test("records written by the previous build (format 2) read as counted misses, and are rewritten", async () => {
  const { readFileSync } = await import("node:fs");
  const fixture = JSON.parse(readFileSync(new URL("./fixtures/records-format2.json", import.meta.url), "utf8"));
  const store = stores.memory();
  for (const [key, b64] of Object.entries(fixture.entries)) store.map.set(key, { value: Buffer.from(b64, "base64"), expires: Infinity });
  const errors = [];
  const cache = new Cache({ store, keyPrefix: "site", memory: false, onError: (e) => errors.push(e) });
  for (const key of ["user:1", "text", "tagged", "big"]) assert.equal(await cache.get(key), undefined, key);
  assert.equal(cache.stats().corruptRecords, 4);
  assert.ok(errors.every((e) => e.code === "CORRUPT_VALUE" && /older format/.test(e.message)));
  await cache.set("user:1", { name: "Ada" });
  assert.deepEqual(await cache.get("user:1"), { name: "Ada" });
});

test("Cache's fast tier read: hits, tombstones, misses to the store, key rules and warnings as the general path", async () => {
  const warned = [];
  const store = stores.memory();
  const cache = new Cache({ store, onWarning: (m) => warned.push(m) });
  await cache.set("k", { a: [1, 2n] });
  const reads = cache.stats().storeReads;
  assert.deepEqual(await cache.get("k"), { a: [1, 2n] }); // the tier
  assert.equal(cache.stats().storeReads, reads);
  await cache.delete("k");
  assert.equal(await cache.get("k", "dflt"), "dflt"); // a tombstone: the store is not asked
  assert.equal(cache.stats().storeReads, reads);
  const other = new Cache({ store });
  await other.set("shared", "from another instance");
  assert.equal(await cache.get("shared"), "from another instance"); // a tier miss: the store
  assert.equal(cache.stats().storeReads, reads + 1);
  assert.equal(await cache.get("a b"), undefined);
  assert.equal(warned.length, 1);
  const strict = new Cache({ store, strictKeys: true });
  await assert.rejects(strict.get("a b"), { code: "INVALID_CACHE_KEY" });
  const custom = new Cache({ store, keyFunction: (k, p, v) => `custom|${v}|${k}` });
  await custom.set("x", 1);
  assert.equal(await custom.get("x"), 1);
  assert.ok([...store.map.keys()].some((k) => k.startsWith("custom|1|x")));
});

test("decoding makes own data properties: a setter the host put on Object.prototype never runs", () => {
  let ran = 0;
  Object.defineProperty(Object.prototype, "polluted", { set() { ran++; }, get() { return "proto"; }, configurable: true });
  try {
    const cache = new MemoryCache();
    cache.set("k", { polluted: 1, toString: "s", __proto__x: 2 });
    for (const got of [cache.get("k"), cache.get("k", undefined, { version: 1 })]) {
      assert.equal(Object.getOwnPropertyDescriptor(got, "polluted").value, 1);
      assert.equal(got.toString, "s");
    }
    assert.equal(ran, 0);
  } finally {
    delete Object.prototype.polluted;
  }
});

test("the async Cache out of wasm memory: a coded OUT_OF_MEMORY, and the cache works on", async () => {
  const cache = new Cache({ store: stores.memory() });
  await cache.set("ok", { a: 1 });
  const current = __setMemoryLimit(0);
  __setMemoryLimit(current + (8 << 20));
  let error;
  try {
    for (const size of [1 << 20, 4 << 20, 16 << 20, 64 << 20]) await cache.set(`big${size}`, new Uint8Array(size));
  } catch (e) {
    error = e;
  } finally {
    __setMemoryLimit(Infinity);
  }
  assert.equal(error?.code, "OUT_OF_MEMORY", String(error));
  assert.deepEqual(await cache.get("ok"), { a: 1 });
  await cache.set("after", [2]);
  assert.deepEqual(await cache.get("after"), [2]);
});

test("values are encoded straight into wasm memory: long ones, and getters that write the cache or grow its memory mid-encoding, store exactly what was given", async () => {
  const sync = new MemoryCache({ maxEntries: 100_000 });
  const store = stores.memory();
  const tier = new Cache({ store, memory: { maxEntries: 100 } });
  const reader = new Cache({ store, memory: false }); // decodes what the store holds
  const long = { text: "é".repeat(3000), list: Array.from({ length: 300 }, (_, i) => i) }; // past the inline room
  const longString = "ü".repeat(5000);
  const bytes = new Uint8Array(2000).map((_, i) => i);
  const medium = { id: 7, name: "Ada Lovelace", tags: ["x"] };
  for (const value of [long, longString, bytes, "short", { a: 1 }, medium, [null, -0, 2n ** 70n]]) {
    sync.setMany({ v: value }); // the general path: the same import as an async Cache's set
    assert.deepEqual(sync.get("v"), value);
    await tier.set("v", value);
    assert.deepEqual(await reader.get("v"), value);
  }
  // A getter that writes the cache (a nested encoding) and grows wasm memory (old views of
  // it detach) while the outer value is being encoded.
  let grown = 0;
  const nested = {
    before: 1,
    get middle() {
      for (let i = 0; i < 2000; i++) sync.set(`filler:${grown}:${i}`, "x".repeat(2000));
      grown++;
      sync.set("inner", { deep: [1, 2, 3] });
      return "m".repeat(100);
    },
    after: [true, null],
  };
  sync.setMany({ outer: nested });
  assert.deepEqual(sync.get("outer"), { before: 1, middle: "m".repeat(100), after: [true, null] });
  assert.deepEqual(sync.get("inner"), { deep: [1, 2, 3] });
  await tier.set("outer", nested);
  assert.deepEqual(await reader.get("outer"), { before: 1, middle: "m".repeat(100), after: [true, null] });
  // A value that throws partway leaves nothing behind and the next write works.
  assert.throws(() => sync.setMany({ bad: { ok: 1, get x() { throw new RangeError("own"); } } }), /own/);
  assert.equal(sync.get("bad"), undefined);
  sync.setMany({ after: { fine: true } });
  assert.deepEqual(sync.get("after"), { fine: true });
});

test("objects are encoded from their own enumerable properties only: a polluted Object.prototype, wide objects, and getters that delete or add properties", async () => {
  const cache = new MemoryCache({ maxEntries: 100 });
  const tier = new Cache({ store: stores.memory(), memory: false });
  const roundTrip = async (value) => {
    cache.set("v", value);
    await tier.set("v", value);
    return [cache.get("v"), await tier.get("v")];
  };
  // Inherited enumerable properties are not the value's own: never stored.
  Object.prototype.injected = "from the prototype";
  try {
    for (const got of await roundTrip({ own: 1, nested: { deep: true } })) {
      assert.deepEqual(Object.keys(got), ["own", "nested"]);
      assert.equal(Object.hasOwn(got, "injected"), false);
      assert.deepEqual(Object.keys(got.nested), ["deep"]);
    }
  } finally {
    delete Object.prototype.injected;
  }
  // Counts that take two and three varint bytes (written after the properties).
  for (const width of [127, 128, 300, 16_384]) {
    const wide = Object.fromEntries(Array.from({ length: width }, (_, i) => [`k${i}`, i % 3 ? i : { i }]));
    for (const got of await roundTrip({ before: "x", wide, after: [1, 2] })) {
      assert.deepEqual(got, { before: "x", wide, after: [1, 2] });
    }
  }
  // Integer-like keys first, in ascending order, as Object.keys lists them.
  for (const got of await roundTrip({ b: 1, 2: "two", a: 2, 1: "one" })) {
    assert.deepEqual(Object.keys(got), ["1", "2", "b", "a"]);
  }
  // A getter that deletes a property not read yet and adds one: as the HTML structured clone
  // algorithm says (EnumerableOwnProperties listed first, a key no longer own skipped), the
  // deleted one is skipped and the added one not read. (V8's structuredClone includes it.)
  const shifting = () => ({
    first: 1,
    get second() {
      delete this.third;
      this.added = "late";
      return 2;
    },
    third: 3,
    fourth: 4,
  });
  cache.set("shifting", shifting());
  await tier.set("shifting", shifting());
  for (const got of [cache.get("shifting"), await tier.get("shifting")]) {
    assert.deepEqual(got, { first: 1, second: 2, fourth: 4 });
  }
});

test("strings in values read back exactly at every length the decoder treats apart: short, Latin-1 fast, native UTF-8", async () => {
  const cache = new MemoryCache({ maxEntries: 1000 });
  const tier = new Cache({ store: stores.memory(), memory: false }); // the store path's decoder
  const alphabets = ["a", "é", "€", "😀", "a€"]; // 1, 2, 3 and 4 UTF-8 bytes, and mixed
  for (const unit of alphabets) {
    for (const length of [0, 1, 15, 16, 17, 24, 25, 63, 64, 65, 300]) {
      const text = unit.repeat(length);
      const value = { [text.slice(0, 30) || "k"]: text, list: [text, { inner: text }], map: new Map([[text, text]]) };
      cache.set("v", value);
      assert.deepEqual(cache.get("v"), value, `${JSON.stringify(unit)} x ${length} through MemoryCache`);
      cache.set("s", text);
      assert.equal(cache.get("s"), text);
      await tier.set("v", value);
      assert.deepEqual(await tier.get("v"), value, `${JSON.stringify(unit)} x ${length} through a store`);
    }
  }
});

test("a key function or warning hook that stores objects while an object is being stored: both values land whole", () => {
  const cache = new MemoryCache({
    keyFunction: (key, prefix, version) => {
      // Runs inside the outer set, after its value was handed over: a nested set of another
      // object (and a long one, past the buffer the outer value was copied into) must not touch it.
      if (key.startsWith("outer")) {
        cache.set(`inner:${key}`, { nested: true, list: [1, 2, 3] });
        cache.set(`long:${key}`, { text: "z".repeat(5000) });
      }
      return `${prefix}:${version}:${key}`;
    },
    onWarning: () => cache.set("from-warning", { warned: ["yes"] }),
  });
  const outer = { id: 1, name: "outer", tags: ["a", "b"], deep: { x: [null, true, 2.5] } };
  cache.set("outer", outer);
  assert.deepEqual(cache.get("outer"), outer);
  assert.deepEqual(cache.get("inner:outer"), { nested: true, list: [1, 2, 3] });
  assert.deepEqual(cache.get("long:outer"), { text: "z".repeat(5000) });
  cache.set("outer with space", outer); // a key warning (a space): the hook stores another object first
  assert.deepEqual(cache.get("outer with space"), outer);
  assert.deepEqual(cache.get("from-warning"), { warned: ["yes"] });
  assert.deepEqual(cache.get("inner:outer with space"), { nested: true, list: [1, 2, 3] });
});

test("cachePage: each combination of Vary header values gets its own page, whatever a value holds", async () => {
  // A remembered page key once took a header value of "\u0001" for an absent header: a request
  // without the header was served the page made for that value.
  const { cachePage } = await import("../../pkg/node.js");
  for (const keyFormat of ["unambiguous", "django"]) {
    const page = cachePage(
      async (request) => new Response(JSON.stringify([request.headers.get("x-a"), request.headers.get("x-b")]), { headers: { vary: "X-A, X-B" } }),
      { timeout: 60, cache: new MemoryCache({ maxEntries: 1000 }), keyFormat },
    );
    const values = [undefined, "", "\u0001", "\u0001\u0001", "1"];
    const requests = values.flatMap((a) => values.map((b) => {
      const headers = {};
      if (a !== undefined) headers["x-a"] = a;
      if (b !== undefined) headers["x-b"] = b;
      return [JSON.stringify([a ?? null, b ?? null]), headers];
    }));
    for (let pass = 0; pass < 2; pass++) {
      for (const [expected, headers] of requests) {
        const body = await (await page(new Request("http://cache.test/variants", { headers }))).text();
        // Django's own format joins values without separators ("" + "1" meets "1" + ""): there a
        // shared page is Django's behaviour, but an absent header still never meets "\u0001".
        if (keyFormat === "unambiguous") assert.equal(body, expected, `pass ${pass}: ${JSON.stringify(headers)}`);
        else assert.ok(!(headers["x-a"] === undefined && JSON.parse(body)[0] === "\u0001"), `pass ${pass}: ${JSON.stringify(headers)} got ${body}`);
      }
    }
  }
});

test("a host that replaced Map.prototype.set or Set.prototype.add: reads still make the stored Map and Set, and never call it", async () => {
  const cache = new MemoryCache();
  const tier = new Cache({ store: stores.memory(), memory: false });
  const value = { m: new Map([["a", 1], [2, { b: [3] }]]), s: new Set(["x", 4]) };
  cache.set("v", value);
  await tier.set("v", value);
  const { set } = Map.prototype;
  const { add } = Set.prototype;
  let called = 0;
  Map.prototype.set = function () { called++; return this; };
  Set.prototype.add = function () { called++; return this; };
  try {
    assert.deepEqual([...cache.get("v").m], [["a", 1], [2, { b: [3] }]]);
    assert.deepEqual([...cache.get("v").s], ["x", 4]);
    assert.equal(called, 0, "the decoder uses the engine's own insertion");
    // (The async Cache's own bookkeeping uses Maps too: only its answer is checked.)
    assert.deepEqual([...(await tier.get("v")).m], [["a", 1], [2, { b: [3] }]]);
  } finally {
    Map.prototype.set = set;
    Set.prototype.add = add;
  }
});
