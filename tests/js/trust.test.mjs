// Adversarial inputs (issue: trust). Whatever a value, key, option or callback does, one call
// fails with a clear error at most, nothing is stored, and the cache works as before.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { MemoryCache, Cache, stores, DummyCache, streamFragments } from "../../pkg/node.js";
// The generated bindings, for the memory cap that lets a test run out of memory cheaply.
import { __setMemoryLimit } from "../../pkg/edgecache.js";

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

/**
 * Runs `call` (sync, or async: then a Promise of the answer): true when it threw a clear error,
 * false when it stored the value (only a Date or Map, which are copied with the engine's
 * intrinsics as structuredClone copies them: no user code runs).
 */
function failedClearly(name, call) {
  const judge = (thrown) => {
    if (thrown === undefined) {
      assert.ok(/Date|Map/.test(name), `${name}: expected a throw`);
      return false;
    }
    assertClearError(thrown, name);
    return true;
  };
  let result;
  try {
    result = call();
  } catch (e) {
    return judge(e);
  }
  return result instanceof Promise ? result.then(() => judge(undefined), judge) : judge(undefined);
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
      if (!failedClearly(name, () => call())) continue;
      assert.equal(cache.get("k"), "before", name);
      assert.equal(cache.has("new"), false, name);
      assert.equal(cache.has("j"), false, name);
    }
    assertUsable(cache);
  }
});

test("Cache: a value or key that throws part-way fails that one call and leaves the memory tier and the store as they were", async () => {
  // setMany seals every value before it writes: a throw in a later one must also take out of
  // the memory tier what the earlier ones put there (found: the first key read as its new value).
  const badKey = () => Symbol("key");
  for (const [name, make] of Object.entries({ ...hostileValues(), "a key that cannot be a key": null })) {
    const store = stores.memory();
    const cache = new Cache({ store, memory: { maxEntries: 100 } });
    const reader = new Cache({ store, memory: false });
    await cache.set("k", "before");
    const calls = make === null
      ? [() => cache.setMany(new Map([["k", "new"], [badKey(), "x"]])), () => cache.setMany([["k", "new"], [{}, "x"]])]
      : [
          () => cache.set("k", make()),
          () => cache.add("new", make()),
          () => cache.setMany({ k: make() }),
          () => cache.setMany(new Map([["k", "fine"], ["j", make()]])),
          () => cache.setMany([["k", "fine"], ["j", "fine"], ["l", make()]]),
          () => cache.getOrSet("g", () => make()),
          () => cache.set("k", make(), { timeout: 5, tags: ["t"] }),
        ];
    for (const call of calls) {
      if (!(await failedClearly(name, call))) continue;
      for (const c of [cache, reader]) {
        assert.equal(await c.get("k"), "before", name);
        for (const key of ["new", "j", "g"]) assert.equal(await c.has(key), false, `${name}: ${key}`);
      }
    }
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

test("out of wasm memory while the fast path's buffers must grow: OUT_OF_MEMORY, not a trap (fresh process)", () => {
  const script = fileURLToPath(new URL("../runtimes/out-of-memory.mjs", import.meta.url));
  const out = JSON.parse(execFileSync(process.execPath, [script], { encoding: "utf8" }));
  assert.equal(out.fill, "OUT_OF_MEMORY");
  // A 60 KB string and a 50 KB object grow the scratch buffer; a 100 KB object the encoder's
  // region; a key with a space has its warning's text allocated before the entry.
  assert.deepEqual([out.longString, out.object, out.largeObject, out.warnedKeys], ["OUT_OF_MEMORY", "OUT_OF_MEMORY", "OUT_OF_MEMORY", "OUT_OF_MEMORY"]);
  assert.equal(out.reads, "ok");
  assert.equal(out.incrMissing, "KEY_NOT_FOUND");
  assert.equal(out.smallObject, "ok");
  assert.equal(out.smallRead, JSON.stringify({ a: [1] }));
  assert.equal(out.kept, "v".repeat(100));
  assert.equal(out.afterClear, "ok ok");
  assert.equal(out.read, 50_000);
  assert.equal(out.tierWrites, 40_000);
  assert.equal(out.tierRead, 39_999);
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

test("a timeout of -Infinity is already expired, and a clock reading of NaN or an infinity is the wall clock's", async () => {
  // -Infinity seconds gave an expiry of -Infinity, which the store read as "never".
  const c = new MemoryCache({ clock: { now: () => Date.now() } });
  c.set("a", { v: 1 }, -Infinity);
  c.setMany({ b: 1 }, -Infinity);
  assert.equal(c.add("c", 1, -Infinity), true);
  assert.equal(c.getOrSet("d", 1, -Infinity), 1);
  c.set("e", 1);
  assert.equal(c.touch("e", -Infinity), true);
  for (const k of "abcde") assert.equal(c.get(k), undefined, k);
  const byDefault = new MemoryCache({ timeout: -Infinity });
  byDefault.set("k", 1);
  assert.equal(byDefault.get("k"), undefined);
  const cache = new Cache({ store: stores.memory(), timeout: -Infinity });
  await cache.set("k", 1);
  assert.equal(await cache.get("k"), undefined);
  // Written 20 s ago by its clock for 10 s: expired by the wall clock, whatever the clock answers next.
  for (const bad of [NaN, Infinity, -Infinity]) {
    let reading = Date.now() - 20_000;
    const old = new MemoryCache({ clock: { now: () => reading } });
    old.set("k", 1, 10);
    reading = bad;
    assert.equal(old.get("k"), undefined, String(bad));
    assert.equal(old.has("k"), false, String(bad));
  }
});

test("an async hook, listener or callback that rejects is counted or reported, never an unhandled rejection", async () => {
  // An unhandled rejection ends a Node process (and fails this test run): each of these
  // returned promises was dropped as it was.
  const rejecting = (what) => async () => {
    throw new Error(what);
  };
  const reported = [];
  const error = console.error;
  console.error = (...args) => reported.push(args);
  try {
    const m = new MemoryCache({ maxEntries: 2, onEvict: rejecting("onEvict"), onWarning: rejecting("onWarning") });
    m.on("miss", rejecting("miss listener"));
    for (const k of ["a", "b", "c", "with space"]) m.set(k, 1);
    m.delete("c");
    m.get("nothing");
    const keyed = new MemoryCache({ keyFunction: rejecting("keyFunction") });
    assert.throws(() => keyed.set("k", 1), { code: "INVALID_KEY_FUNCTION_RESULT" });
    const clocked = new MemoryCache({ clock: { now: rejecting("clock") } });
    clocked.set("k", 1, 60);
    assert.equal(clocked.get("k"), 1, "a clock answering a promise reads the wall clock");
    const c = new Cache({ store: stores.memory(), onEvict: rejecting("Cache onEvict") });
    c.on("hit", rejecting("hit listener"));
    c.on("miss", () => Promise.reject(new Error("miss listener")));
    await c.set("x", 1);
    await c.get("x");
    await c.get("nothing");
    await c.delete("x");
    const down = { name: "down", get: rejecting("store"), put: async () => {}, delete: async () => {} };
    const failing = new Cache({ store: down, memory: false, onError: rejecting("onError") });
    assert.equal(await failing.get("k"), undefined);
    const page = streamFragments([{ fragment: "f", timeout: 60, render: () => "x", using: m }], { onFragment: rejecting("onFragment") });
    assert.equal(await new Response(page).text(), "x");
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(m.stats().hookErrors >= 1, "MemoryCache's onEvict rejection is counted");
    assert.ok(c.stats().hookErrors >= 3, `Cache's hook and listener rejections are counted (${c.stats().hookErrors})`);
    assert.equal(failing.stats().hookErrors, 1);
    assert.ok(reported.length >= 6, `each is reported (${reported.length})`);
  } finally {
    console.error = error;
  }
});

test("an adaptive cache with a maxEntries it never fills does not pay for it up front", () => {
  // Its frequency sketch (8 bytes per entry, up to 2^24 entries) was made at construction: each
  // `new MemoryCache({ policy: "adaptive", maxEntries: 1e9 })` took 128 MiB of wasm memory
  // (which never shrinks) and 0.4 s. Now it is made when the cache is half full, as Caffeine's.
  const before = __setMemoryLimit(Infinity);
  const caches = Array.from({ length: 4 }, () => new MemoryCache({ policy: "adaptive", maxEntries: 1e9 }));
  for (const c of caches) for (let i = 0; i < 1000; i++) c.set(`k${i}`, i);
  const grown = __setMemoryLimit(Infinity) - before;
  assert.ok(grown < 16 << 20, `wasm memory grew by ${(grown / 2 ** 20).toFixed(1)} MiB`);
  assert.equal(caches[3].get("k999"), 999);
  // A small adaptive cache still counts frequencies once half full: a frequent key survives a scan.
  const small = new MemoryCache({ policy: "adaptive", maxEntries: 100, seed: 1 });
  for (let i = 0; i < 60; i++) small.set(`warm${i}`, i);
  for (let r = 0; r < 20; r++) small.get("warm1");
  for (let i = 0; i < 1000; i++) small.set(`scan${i}`, i);
  assert.equal(small.get("warm1"), 1);
});

test("incrVersion/decrVersion past ±(2^53 - 1) is INVALID_VERSION and moves nothing", async () => {
  // The value went to version 2^53, which no later call can name (INVALID_VERSION there): it was
  // out of reach, and the version returned could not be used.
  const MAX = Number.MAX_SAFE_INTEGER;
  for (const cache of [new MemoryCache(), new Cache({ store: stores.memory() }), new Cache({ store: stores.memory(), memory: false })]) {
    await cache.set("k", "v", { version: MAX });
    await assert.rejects(async () => cache.incrVersion("k", 1, { version: MAX }), { code: "INVALID_VERSION" });
    assert.equal(await cache.get("k", undefined, { version: MAX }), "v", "still where it was");
    await cache.set("j", "w", { version: -MAX });
    await assert.rejects(async () => cache.decrVersion("j", 1, { version: -MAX }), { code: "INVALID_VERSION" });
    await cache.set("n", "x");
    await assert.rejects(async () => cache.incrVersion("n", MAX), { code: "INVALID_VERSION" });
    assert.equal(await cache.get("n"), "x");
    assert.equal(await cache.incrVersion("n", MAX - 1), MAX, "up to the largest version");
    assert.equal(await cache.get("n", undefined, { version: MAX }), "x");
  }
});
