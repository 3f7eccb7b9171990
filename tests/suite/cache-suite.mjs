// The behavioural suite of the async Cache, run against every store adapter in its own
// runtime (Node, workerd, Deno, Chromium). No test framework: each case is an async
// function that throws on failure; runSuite returns one result per case.
//
// `makeStore()` returns a fresh adapter (or the same shared one: every case uses its own
// key prefix). Time is the injected clock, so logical expiry is tested without sleeping.

import { leaseCases } from "./lease-cases.mjs";

export function makeClock(start = 1_700_000_000_000) {
  const clock = { t: start, now: () => clock.t, advance: (s) => (clock.t += s * 1000) };
  return clock;
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

function same(actual, expected, message) {
  const a = JSON.stringify(actual, (_, v) => (typeof v === "bigint" ? `${v}n` : v instanceof Map ? [...v] : v));
  const e = JSON.stringify(expected, (_, v) => (typeof v === "bigint" ? `${v}n` : v instanceof Map ? [...v] : v));
  if (a !== e) throw new Error(`${message}: expected ${e}, got ${a}`);
}

async function rejects(promise, code, message) {
  try {
    await promise;
  } catch (error) {
    if (error.code === code) return error;
    throw new Error(`${message}: expected code ${code}, got ${error.code} (${error.message})`);
  }
  throw new Error(`${message}: expected a rejection with ${code}`);
}

/** A store wrapper with smaller limits (so chunking and key shortening are exercised). */
function limited(store, limits) {
  return { ...store, limits: { ...store.limits, ...limits } };
}

/** A store wrapper counting the bytes written. */
function counting(store) {
  const counter = { bytes: 0 };
  const wrapped = { ...store, put: (k, v, o) => ((counter.bytes += v.length), store.put(k, v, o)) };
  return [wrapped, counter];
}

/** The cases for a store; `atomic` and `listable` default to what `makeStore()` offers. */
export function cases({ Cache, makeStore, atomic, listable }) {
  if (atomic === undefined || listable === undefined) {
    const sample = makeStore();
    atomic ??= typeof sample.compareAndSwap === "function";
    listable ??= typeof sample.list === "function";
  }
  let n = 0;
  const setup = (options = {}) => {
    const clock = makeClock();
    const prefix = `t${Date.now().toString(36)}${(n++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const store = options.store ?? makeStore();
    // Long keys warn (memcached's 250 limit); the warnings are tested with MemoryCache.
    const make = (extra = {}) => new Cache({ store, clock, keyPrefix: prefix, onWarning: () => {}, ...options.cache, ...extra });
    // `a` has the default memory tier; `b` reads the store directly: what `b` sees has
    // gone through the store.
    return { clock, store, a: make(), b: make({ memory: false }), make, prefix };
  };

  const list = {
    async "values round-trip through the store as copies of every type"() {
      const { a, b } = setup();
      const values = {
        s: "héllo ✓",
        n: -0.5,
        big: 12345678901234567890n,
        nil: null,
        bytes: new Uint8Array([0, 1, 254, 255]),
        nested: { list: [1, "two", { three: true }], when: new Date(86_400_000), map: new Map([["k", 1]]) },
      };
      for (const [k, v] of Object.entries(values)) await a.set(k, v);
      for (const [k, v] of Object.entries(values)) same(await b.get(k), v, `value of ${k}`);
      const bytes = await b.get("bytes");
      check(bytes instanceof Uint8Array, "a Uint8Array comes back as a Uint8Array");
      check((await b.get("nested")).when instanceof Date, "a Date comes back as a Date");
    },

    async "logical expiry is exact whatever the store's TTL rules"() {
      const { a, b, clock } = setup();
      await a.set("k", "v", 10);
      clock.advance(9.999);
      same(await b.get("k"), "v", "just before the timeout");
      clock.advance(0.001);
      same(await b.get("k", "gone"), "gone", "at the timeout (Django: expiry <= now)");
      same(await a.get("k", "gone"), "gone", "the memory tier expires with it");
    },

    async "null is forever and 0 deletes"() {
      const { a, b, clock } = setup();
      await a.set("forever", 1, null);
      await a.set("zero", 1);
      await a.set("zero", 2, 0);
      clock.advance(10 * 365 * 86400);
      same(await b.get("forever"), 1, "timeout null never expires");
      same(await b.get("zero", "none"), "none", "timeout 0 removes the old value");
      same(await a.get("zero", "none"), "none", "and this instance sees it at once");
    },

    async "the default timeout is 300 s"() {
      const { a, b, clock } = setup();
      await a.set("k", "v");
      clock.advance(299);
      same(await b.get("k"), "v", "alive at 299 s");
      clock.advance(1);
      same(await b.get("k"), undefined, "expired at 300 s");
    },

    async "add stores only when missing or expired"() {
      const { a, b, clock } = setup();
      same(await a.add("k", 1, 5), true, "first add");
      same(await b.add("k", 2), false, "add over a live value (another instance)");
      same(await b.get("k"), 1, "value kept");
      clock.advance(5);
      same(await b.add("k", 3), true, "add over an expired value");
      same(await a.get("k"), 3, "the adding instance's value");
    },

    async "getOrSet awaits an async factory once"() {
      const { a, b } = setup();
      let calls = 0;
      const factory = async () => (calls++, { made: true });
      same(await a.getOrSet("k", factory, 60), { made: true }, "miss: the factory's value");
      same(await b.getOrSet("k", factory), { made: true }, "hit from the store");
      same(calls, 1, "factory calls");
      await rejects(a.getOrSet("x"), "MISSING_ARGUMENT", "getOrSet without a default");
    },

    async "incr and decr keep the expiry and follow Django's errors"() {
      const { a, b, clock } = setup();
      await a.set("n", 10, 100);
      same(await a.incr("n"), 11, "incr by 1");
      same(await b.incr("n", 5), 16, "incr on another instance");
      same(await b.decr("n", 20), -4, "decr");
      same(await b.incr("big", 1).catch((e) => e.code), "KEY_NOT_FOUND", "incr on a missing key");
      await a.set("s", "text");
      await rejects(b.incr("s"), "NOT_A_NUMBER", "incr on a string");
      await a.set("b", 2n ** 64n);
      same(await b.incr("b", 1n), 2n ** 64n + 1n, "bigint incr");
      await a.set("t", true);
      same(await b.incr("t"), 2, "incr of true: Python's True + 1 (and JS's)");
      await a.set("edge", Number.MAX_SAFE_INTEGER);
      await rejects(b.incr("edge"), "INVALID_DELTA", "incr past 2^53 - 1 (a number stops counting)");
      same(await a.get("edge"), Number.MAX_SAFE_INTEGER, "a refused incr changes nothing");
      clock.advance(100);
      await rejects(b.incr("n"), "KEY_NOT_FOUND", "incr after the original expiry");
    },

    async "getMany and setMany follow request order and skip misses"() {
      const { a, b } = setup();
      same(await a.setMany({ x: 1, y: 2, z: 3 }), [], "no failed keys");
      const found = await b.getMany(["z", "missing", "x"]);
      same([...found], [["z", 3], ["x", 1]], "hits in request order");
      await b.setMany(new Map([["x", 10]]));
      same(await b.get("x"), 10, "setMany from a Map");
    },

    async "delete removes everywhere and reads its own deletes"() {
      const { a, b } = setup();
      await b.set("k", "v");
      same(await a.get("k"), "v", "read fills a's memory tier");
      await a.delete("k");
      same(await a.get("k"), undefined, "a sees its delete at once");
      same(await b.get("k"), undefined, "the store lost it");
      same(await a.has("k"), false, "has");
      await a.setMany({ p: 1, q: 2 });
      await a.deleteMany(["p", "q"]);
      same([...(await b.getMany(["p", "q"]))], [], "deleteMany");
    },

    async "touch gives a live key a new expiry"() {
      const { a, b, clock } = setup();
      await a.set("k", "v", 10);
      same(await b.touch("k", 100), true, "touch a live key");
      clock.advance(50);
      same(await b.get("k"), "v", "alive past its first timeout");
      same(await a.touch("missing"), false, "touch a missing key");
      clock.advance(50);
      same(await b.get("k"), undefined, "expired at the new timeout");
    },

    async "incrVersion moves a value to the next version"() {
      const { a, b } = setup();
      await a.set("k", "v");
      same(await a.incrVersion("k"), 2, "new version");
      same(await b.get("k"), undefined, "gone at version 1");
      same(await b.get("k", undefined, { version: 2 }), "v", "present at version 2");
      same(await b.decrVersion("k", 1, { version: 2 }), 1, "back to version 1");
      await rejects(a.incrVersion("nope"), "KEY_NOT_FOUND", "incrVersion on a missing key");
    },

    async "clear removes only this cache's keys"() {
      const { a, b, store, clock, prefix } = setup();
      const neighbour = new Cache({ store, clock, keyPrefix: `${prefix}x`, memory: false });
      await a.setMany({ k1: 1, k2: 2 });
      await neighbour.set("k1", "kept");
      await a.clear();
      same(await b.get("k1"), undefined, "this cache's key is gone");
      same(await a.get("k2"), undefined, "and from the memory tier");
      same(await neighbour.get("k1"), "kept", "a cache with another prefix keeps its keys");
    },

    async "keys over the store's limit are shortened without collisions"() {
      const { a, b } = setup();
      const long = "k".repeat(3000);
      await a.set(`${long}1`, "one");
      await a.set(`${long}2`, "two");
      same(await b.get(`${long}1`), "one", "first long key");
      same(await b.get(`${long}2`), "two", "second long key");
    },

    async "values over the store's limit are chunked, or refused without chunking"() {
      const base = makeStore();
      const { a, b } = setup({ store: limited(base, { maxValueBytes: 1024 }) });
      const value = "0123456789abcdef".repeat(1000);
      await a.set("big", value);
      same(await b.get("big"), value, "reassembled from chunks");
      const { a: strict } = setup({ store: limited(base, { maxValueBytes: 1024 }), cache: { chunking: false } });
      const error = await rejects(strict.set("big", value), "VALUE_TOO_LARGE", "chunking off");
      check(/limit is 1024 bytes/.test(error.message), "the error names the limit");
    },

    async "compression shrinks what is written and reads back the same"() {
      const [store, written] = counting(makeStore());
      const { a, b } = setup({ store, cache: { compress: { threshold: 100, level: 6 } } });
      const value = "abc".repeat(10_000);
      await a.set("k", value);
      check(written.bytes < 1000, `compressed record is small (${written.bytes} bytes)`);
      same(await b.get("k"), value, "inflated on read");
    },

    async "a corrupt or foreign record is a counted miss, reported to onError"() {
      const errors = [];
      const { store, make } = setup();
      const c = make({ memory: false, onError: (e, ctx) => errors.push([e.code, ctx.op]) });
      await c.set("k", "v");
      const key = c.makeKey("k");
      const record = await store.get(key);
      const flipped = new Uint8Array(record);
      flipped[flipped.length - 12] ^= 0xff;
      await store.put(key, flipped, {});
      same(await c.get("k", "default"), "default", "corrupt record");
      await store.put(key, new TextEncoder().encode('{"value":"forged"}'), {});
      same(await c.get("k", "default"), "default", "foreign record");
      same(c.stats().corruptRecords, 2, "counted");
      same(errors, [["CORRUPT_VALUE", "get"], ["CORRUPT_VALUE", "get"]], "reported");
    },

    async "the memory tier serves reads and is bounded by localTimeout"() {
      const { a, b, clock } = setup({ cache: { localTimeout: 30 } });
      await b.set("k", "v1", 3600);
      same(await a.get("k"), "v1", "first read from the store");
      const reads = a.stats().storeReads;
      same(await a.get("k"), "v1", "second read");
      same(a.stats().storeReads, reads, "served from memory");
      await b.set("k", "v2", 3600);
      same(await a.get("k"), "v1", "another instance's write is not seen yet");
      clock.advance(30);
      same(await a.get("k"), "v2", "seen after localTimeout");
    },

    async "bad arguments are TypeErrors with codes"() {
      const { a } = setup();
      for (const [promise, code] of [
        [a.get({}), "INVALID_KEY"],
        [a.set("k", "v", "soon"), "INVALID_TIMEOUT"],
        [a.set("k", () => 1), "UNSERIALIZABLE_VALUE"],
        [a.incr("k", "1"), "INVALID_DELTA"],
      ]) {
        const error = await rejects(promise, code, code);
        check(error instanceof TypeError, `${code} is a TypeError`);
      }
      // A delta that does not mix with the stored number (JS does not add numbers and bigints).
      await a.set("n", 1);
      await a.set("b", 2n ** 70n);
      for (const [key, delta, what] of [["n", 1n, "a bigint delta on a number"], ["b", 0.5, "a fraction on a bigint"]]) {
        const error = await rejects(a.incr(key, delta), "INVALID_DELTA", what);
        check(error instanceof TypeError, `${what} is a TypeError`);
      }
      same(await a.get("n"), 1, "a failed incr changes nothing");
      same(await a.get("b"), 2n ** 70n, "a failed incr changes nothing");
    },
  };

  Object.assign(list, invalidationCases(setup), stampedeCases(setup));
  if (!listable) delete list["clear removes only this cache's keys"];
  if (atomic) {
    list["add and incr are atomic across instances"] = async () => {
      const { make } = setup();
      const caches = Array.from({ length: 8 }, () => make({ memory: false }));
      const added = await Promise.all(caches.map((c, i) => c.add("once", i)));
      same(added.filter(Boolean).length, 1, "exactly one add wins");
      await caches[0].set("n", 0);
      await Promise.all(caches.flatMap((c) => [c.incr("n"), c.incr("n")]));
      same(await caches[0].get("n"), 16, "no lost increments");
    };
    Object.assign(list, leaseCases(setup));
  }
  return list;
}

/** Runs every case; resolves to [{ name, ok, error }]. */
export async function runSuite(options) {
  const results = [];
  for (const [name, run] of Object.entries(cases(options))) {
    try {
      await run();
      results.push({ name, ok: true });
    } catch (error) {
      results.push({ name, ok: false, error: String(error?.stack ?? error) });
    }
  }
  return results;
}

/** Tags and namespaces: what one instance invalidates, another sharing the store misses. */
function invalidationCases(setup) {
  return {
    async "invalidateTags reaches another instance within localTimeout"() {
      const { a, make, clock } = setup();
      const other = make({ localTimeout: 30 });
      await a.set("post:1", "p1", { timeout: 600, tags: ["posts", "user:7"] });
      await a.set("post:2", "p2", { timeout: 600, tags: ["posts"] });
      await a.set("user", "u", { timeout: 600, tags: ["user:7"] });
      await a.set("plain", "x", 600);
      same(await other.get("post:1"), "p1", "the other instance reads (and learns the stamps)");
      await a.invalidateTags(["posts"]);
      same(await a.get("post:1"), undefined, "this instance misses at once");
      same(await a.get("post:2"), undefined, "every entry of the tag");
      same(await a.get("user"), "u", "other tags are untouched");
      same(await a.get("plain"), "x", "untagged entries are untouched");
      clock.advance(30);
      same(await other.get("post:1"), undefined, "the other instance misses once its stamp copy is older than localTimeout");
      same(await other.get("post:2"), undefined, "and for the tag's other entries");
      await other.set("post:1", "new", { timeout: 600, tags: ["posts"] });
      same(await a.get("post:1"), "new", "an entry written after the invalidation is live");
      same(a.stats().invalidated >= 1, true, "invalidated reads are counted");
    },

    async "a write right after invalidateTags in the same millisecond is live"() {
      const { a, b } = setup();
      await a.invalidateTags(["t"]);
      await a.set("k", "v", { tags: ["t"] });
      same(await a.get("k"), "v", "live in the writer");
      same(await b.get("k"), "v", "and through the store");
    },

    async "tags are checked: an array of 1-128 byte strings, at most 16"() {
      const { a } = setup();
      await rejects(a.set("k", 1, { tags: "posts" }), "INVALID_TAGS", "a string is not a tag list");
      await rejects(a.set("k", 1, { tags: [""] }), "INVALID_TAGS", "an empty tag");
      await rejects(a.set("k", 1, { tags: ["x".repeat(129)] }), "INVALID_TAGS", "a long tag");
      await rejects(a.set("k", 1, { tags: Array.from({ length: 17 }, (_, i) => `t${i}`) }), "INVALID_TAGS", "too many tags");
      await rejects(a.invalidateTags([1]), "INVALID_TAGS", "invalidateTags checks too");
      same(await a.get("k"), undefined, "nothing was written");
    },

    async "a namespace is invalidated for every instance at once"() {
      const { a, make, clock } = setup();
      const other = make({ memory: false });
      const users = a.namespace("users");
      await users.set("7", "alice");
      await users.set("8", "bob");
      same(await other.namespace("users").get("7"), "alice", "another instance reads the namespace");
      same(await a.get("7"), undefined, "namespaced keys do not collide with plain ones");
      await other.invalidateNamespace("users");
      same(await other.namespace("users").get("7"), undefined, "gone for the invalidating instance");
      same(await make({ memory: false }).namespace("users").getMany(["7", "8"]), new Map(), "and for a fresh one");
      clock.advance(60);
      same(await users.get("7"), undefined, "an instance with a memory tier sees it within localTimeout");
      await users.set("7", "carol");
      same(await other.namespace("users").get("7"), "carol", "the namespace is usable again");
    },

    async "onEvict hears deletes, clears and invalidations"() {
      const events = [];
      const { make } = setup();
      const c = make({ onEvict: (key, reason) => events.push([key.split(":").slice(2).join(":"), reason]) });
      await c.set("k", 1, { tags: ["t"] });
      await c.delete("k");
      await c.set("k", 2, { tags: ["t"] });
      await c.invalidateTags(["t"]);
      const fresh = make({ memory: false, onEvict: (key, reason) => events.push([key.split(":").slice(2).join(":"), reason]) });
      await fresh.get("k");
      same(events, [["k", "delete"], ["k", "invalidate"]], "delete, then an invalidated record met by a read");
    },
  };
}

/** Single flight, serve-stale, XFetch, jitter and warming. */
function stampedeCases(setup) {
  const tick = () => new Promise((resolve) => setTimeout(resolve, 1));
  return {
    async "concurrent getOrSet misses run the factory once"() {
      const { a } = setup();
      let calls = 0;
      let release;
      const gate = new Promise((resolve) => (release = resolve));
      const factory = async () => {
        calls++;
        await gate;
        return "v";
      };
      const all = Promise.all(Array.from({ length: 20 }, () => a.getOrSet("hot", factory, 60)));
      await tick();
      release();
      same(await all, Array(20).fill("v"), "every caller gets the value");
      same(calls, 1, "one factory call");
    },

    async "a throwing factory rejects every waiter and stores nothing"() {
      const { a, b } = setup();
      let calls = 0;
      const factory = async () => {
        calls++;
        await tick();
        throw new Error("origin down");
      };
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => a.getOrSet("k", factory)));
      same(results.map((r) => r.status), Array(5).fill("rejected"), "all waiters reject");
      same(results[0].reason.message, "origin down", "with the factory's error, unchanged");
      same(calls, 1, "one call");
      same(await b.get("k"), undefined, "nothing stored");
    },

    async "staleWhileRevalidate serves the stale value at once and refreshes once"() {
      const { a, b, clock } = setup();
      let version = 0;
      const background = [];
      const options = { timeout: 10, staleWhileRevalidate: 30, waitUntil: (p) => background.push(p) };
      const factory = async () => {
        await tick();
        return `v${++version}`;
      };
      same(await a.getOrSet("k", factory, options), "v1", "a miss computes");
      clock.advance(15);
      same(await b.get("k"), undefined, "a plain get treats the stale value as expired");
      const served = await Promise.all(Array.from({ length: 10 }, () => a.getOrSet("k", factory, options)));
      same(served, Array(10).fill("v1"), "every reader gets the stale value without waiting");
      same(background.length, 1, "exactly one refresh, registered with waitUntil");
      await Promise.all(background);
      same(version, 2, "the factory ran once more");
      same(await b.get("k"), "v2", "the refresh stored the new value");
      clock.advance(50);
      same(await a.getOrSet("k", factory, options), "v3", "past the window it is a miss");
    },

    async "staleIfError serves the stale value when the factory fails"() {
      const { a, clock } = setup();
      const errors = [];
      await a.getOrSet("k", () => "good", { timeout: 10, staleIfError: 60 });
      clock.advance(20);
      const failing = () => {
        throw new Error("down");
      };
      same(await a.getOrSet("k", failing, { timeout: 10, staleIfError: 60 }), "good", "the stale value");
      clock.advance(60);
      await rejects(a.getOrSet("k", async () => {
        const e = new Error("down");
        e.code = "ORIGIN";
        throw e;
      }, { timeout: 10, staleIfError: 60 }), "ORIGIN", "past staleIfError the error is rethrown");
      same(errors.length, 0, "no unexpected errors");
    },

    async "XFetch refreshes early with probability exp(-remaining / (delta * beta))"() {
      const { make, clock } = setup();
      const c = make({ seed: 42 });
      // A write that took 2 s to compute, read 2 s before expiry with beta 1: P = e^-1.
      await c.set("k", "v", { timeout: 100, computeTime: 2 });
      clock.advance(98);
      let early = 0;
      const trials = 2000;
      const background = [];
      for (let i = 0; i < trials; i++) {
        await c.getOrSet("k", () => "v", { timeout: 100, beta: 1, waitUntil: (p) => background.push(p) });
        await Promise.all(background.splice(0));
        // Put the original timing back so every trial sees the same state.
        await c.set("k", "v", { timeout: 2, computeTime: 2 });
      }
      early = c.stats().refreshes;
      const p = early / trials;
      check(Math.abs(p - Math.exp(-1)) < 0.04, `refresh rate ${p.toFixed(3)} should be near e^-1 = 0.368`);
      clock.advance(-90);
      await c.set("far", "v", { timeout: 100, computeTime: 0.01 });
      const before = c.stats().refreshes;
      for (let i = 0; i < 200; i++) await c.getOrSet("far", () => "v", { beta: 1 });
      same(c.stats().refreshes - before, 0, "far from expiry with a fast factory: never");
    },

    async "jitter spreads timeouts within its bounds"() {
      const { make, clock } = setup();
      const c = make({ jitter: 0.1, seed: 7, memory: false });
      for (let i = 0; i < 100; i++) await c.set(`k${i}`, i, 100);
      clock.advance(89.999);
      const alive = async () => (await c.getMany(Array.from({ length: 100 }, (_, i) => `k${i}`))).size;
      same(await alive(), 100, "nothing expires before 90% of the timeout");
      clock.advance(10);
      const mid = await alive();
      check(mid > 20 && mid < 80, `about half expire by 100 s (${mid} alive)`);
      clock.advance(10.002);
      same(await alive(), 0, "everything expires by 110% of the timeout");
    },

    async "warm stores what the loaders return and reports failures"() {
      const { a, b } = setup();
      let running = 0;
      let peak = 0;
      const loader = (value) => async () => {
        peak = Math.max(peak, ++running);
        await tick();
        running--;
        return value;
      };
      const loaders = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`w${i}`, loader(i)]));
      loaders.bad = async () => {
        throw new Error("no");
      };
      const report = await a.warm(loaders, { concurrency: 3, timeout: 60, tags: ["warm"] });
      same(report.stored.length, 10, "ten stored");
      same(report.failed.map((f) => [f.key, f.error.message]), [["bad", "no"]], "the failure is reported");
      check(peak <= 3, `at most 3 loaders at once (saw ${peak})`);
      same(await b.get("w4"), 4, "values reached the store");
      await a.invalidateTags(["warm"]);
      same(await a.get("w4"), undefined, "with the tags given");
    },
  };
}
