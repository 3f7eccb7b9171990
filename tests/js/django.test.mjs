// Django 5.2 LocMemCache behaviour (spec sections 1.2-1.6), against the built package.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryCache, DummyCache } from "../../pkg/node.js";
import { manualClock, warnings } from "./helpers.mjs";

const make = (options = {}) => {
  const clock = manualClock();
  const w = warnings();
  const cache = new MemoryCache({ clock, onWarning: w.onWarning, ...options });
  return { cache, clock, seen: w.seen };
};

test("get returns the default on a miss and a stored null as null", () => {
  const { cache } = make();
  assert.equal(cache.get("nope"), undefined);
  assert.equal(cache.get("nope", "dflt"), "dflt");
  cache.set("n", null);
  assert.equal(cache.get("n", "dflt"), null);
  assert.equal(cache.has("n"), true);
});

test("keys are prefix:version:key, numbers printed as Python str()", () => {
  const { cache } = make({ keyPrefix: "site1" });
  assert.equal(cache.makeKey("foo"), "site1:1:foo");
  assert.equal(cache.makeKey("foo", 2), "site1:2:foo");
  assert.equal(cache.makeKey(5), "site1:1:5");
  assert.equal(cache.makeKey(1.5), "site1:1:1.5");
  assert.equal(new MemoryCache().makeKey("foo"), ":1:foo");
  cache.set(5, "five");
  assert.equal(cache.get("5"), "five");
});

test("custom key function (Django's test helper)", () => {
  const keyFunction = (key, prefix, version) => `CUSTOM-${[prefix, String(version), key].join("-")}`;
  const { cache } = make({ keyFunction, keyPrefix: "p" });
  assert.equal(cache.makeKey("k"), "CUSTOM-p-1-k");
  cache.set("k", 1);
  assert.equal(cache.get("k"), 1);
  const bad = new MemoryCache({ keyFunction: () => 42 });
  assert.throws(() => bad.get("k"), { name: "TypeError", code: "INVALID_KEY_FUNCTION_RESULT" });
  const thrower = new MemoryCache({
    keyFunction: () => {
      throw new RangeError("mine");
    },
  });
  assert.throws(() => thrower.set("k", 1), (e) => e instanceof RangeError && e.message === "mine");
});

test("versions: same key, different versions are different entries", () => {
  const { cache } = make({ version: 2 });
  cache.set("answer1", 42);
  assert.equal(cache.get("answer1"), 42);
  assert.equal(cache.get("answer1", undefined, { version: 1 }), undefined);
  cache.set("answer2", 37, { version: 1 });
  assert.equal(cache.get("answer2", undefined, { version: 1 }), 37);
  assert.equal(cache.get("answer2"), undefined);
  assert.equal(cache.has("answer2", { version: 1 }), true);
  assert.equal(cache.delete("answer2", { version: 1 }), true);
});

test("incrVersion / decrVersion follow Django, default timeout on the new entry", () => {
  const { cache, clock } = make();
  cache.set("answer", 42, null);
  assert.equal(cache.incrVersion("answer"), 2);
  assert.equal(cache.get("answer"), undefined);
  assert.equal(cache.get("answer", undefined, { version: 2 }), 42);
  // The moved entry gets the default timeout (300 s), not the old one (forever).
  clock.advance(299);
  assert.equal(cache.get("answer", undefined, { version: 2 }), 42);
  clock.advance(1);
  assert.equal(cache.get("answer", undefined, { version: 2 }), undefined);
  cache.set("answer", 42, { timeout: null, version: 2 });
  assert.equal(cache.decrVersion("answer", 1, { version: 2 }), 1);
  assert.equal(cache.get("answer"), 42);
  cache.set("none", null);
  assert.equal(cache.incrVersion("none"), 2);
  assert.equal(cache.get("none", "d", { version: 2 }), null);
});

test("incrVersion of a missing key names the raw key", () => {
  const { cache } = make();
  assert.throws(() => cache.incrVersion("does_not_exist"), {
    message: "Key 'does_not_exist' not found",
    code: "KEY_NOT_FOUND",
  });
  cache.set("w", 1);
  assert.equal(cache.decrVersion("w"), 0);
  assert.equal(cache.makeKey("w", 0), ":0:w");
  assert.equal(cache.get("w", undefined, { version: 0 }), 1);
});

test("getOrSet: required default, factory only on a miss, null stored", () => {
  const { cache } = make();
  assert.throws(() => cache.getOrSet("k"), { name: "TypeError", code: "MISSING_ARGUMENT" });
  let calls = 0;
  const factory = () => (++calls, "made");
  assert.equal(cache.getOrSet("k", factory), "made");
  assert.equal(cache.getOrSet("k", factory), "made");
  assert.equal(calls, 1);
  assert.equal(cache.getOrSet("null", null), null);
  assert.equal(cache.getOrSet("null", "other"), null);
  assert.equal(cache.getOrSet("t", "v", { timeout: 0 }), "v", "add with 0 stores nothing: the default");
  assert.equal(cache.has("t"), false);
  assert.throws(() => cache.getOrSet("e", () => { throw new Error("factory failed"); }), /factory failed/);
  assert.equal(cache.has("e"), false);
});

test("getMany: any iterable, hits only, request order, caller's keys, stored null", () => {
  const { cache } = make();
  cache.setMany({ a: 1, b: null, c: 3 });
  function* keys() {
    yield "c";
    yield "zz";
    yield "a";
    yield "b";
  }
  const got = cache.getMany(keys());
  assert.deepEqual([...got], [["c", 3], ["a", 1], ["b", null]]);
  cache.set(7, "seven");
  assert.deepEqual([...cache.getMany([7])], [[7, "seven"]]);
  assert.deepEqual([...cache.getMany([])], []);
});

test("setMany accepts a Map, an object and pairs; returns [] and deleteMany removes", () => {
  const { cache } = make();
  assert.deepEqual(cache.setMany(new Map([["m", 1]])), []);
  assert.deepEqual(cache.setMany([["p", 2]], 10), []);
  assert.deepEqual(cache.setMany({}), []);
  assert.equal(cache.get("m") + cache.get("p"), 3);
  assert.equal(cache.deleteMany(["m", "p", "never"]), undefined);
  assert.equal(cache.size, 0);
  assert.throws(() => cache.setMany({ ok: 1, bad: () => 1 }), { code: "UNSERIALIZABLE_VALUE" });
  assert.equal(cache.has("ok"), false, "a failed setMany changes nothing");
});

test("timeouts: omitted = 300 s, null = forever, 0 and negative = expired, floats", () => {
  const { cache, clock } = make();
  cache.set("default", 1);
  cache.set("forever", 1, null);
  cache.set("float", 1, 100.2);
  assert.equal(cache.add("zero", 1, 0), true);
  assert.equal(cache.get("zero"), undefined);
  cache.set("neg", 1, -1);
  assert.equal(cache.has("neg"), false);
  clock.advance(100.1);
  assert.equal(cache.has("float"), true);
  clock.advance(0.1);
  assert.equal(cache.has("float"), false);
  clock.advance(199.8);
  assert.equal(cache.has("default"), false, "expires at exactly now + 300");
  clock.advance(60 * 86400);
  assert.equal(cache.get("forever"), 1);
  assert.equal(cache.get("forever", undefined), 1);
});

test("a configured timeout of null or 0", () => {
  const never = make({ timeout: null });
  never.cache.set("k", 1);
  never.clock.advance(1e9);
  assert.equal(never.cache.get("k"), 1);
  const zero = make({ timeout: 0 });
  zero.cache.set("k", 1);
  assert.equal(zero.cache.get("k"), undefined);
});

test("touch: new expiry from now, null = forever, 0 expires, false when missing", () => {
  const { cache, clock } = make();
  cache.set("k", 1, 10);
  clock.advance(9);
  assert.equal(cache.touch("k", 10), true);
  clock.advance(9);
  assert.equal(cache.has("k"), true);
  assert.equal(cache.touch("k", null), true);
  clock.advance(1e6);
  assert.equal(cache.has("k"), true);
  assert.equal(cache.touch("k", 0), true);
  assert.equal(cache.has("k"), false);
  assert.equal(cache.touch("nope"), false);
});

test("add does not overwrite a live key but replaces an expired one", () => {
  const { cache, clock } = make();
  assert.equal(cache.add("k", "first", 1), true);
  assert.equal(cache.add("k", "second"), false);
  assert.equal(cache.get("k"), "first");
  clock.advance(1);
  assert.equal(cache.add("k", "third"), true);
  assert.equal(cache.get("k"), "third");
});

test("delete: true when removed, even an expired entry; false after", () => {
  const { cache, clock } = make();
  cache.set("k", 1, 1);
  clock.advance(2);
  assert.equal(cache.delete("k"), true);
  assert.equal(cache.delete("k"), false);
});

test("incr/decr: Python +, existing expiry kept, made key in the error", () => {
  const { cache, clock } = make();
  cache.set("n", 1, 10);
  assert.equal(cache.incr("n"), 2);
  assert.equal(cache.incr("n", 10), 12);
  assert.equal(cache.decr("n"), 11);
  assert.equal(cache.decr("n", -4), 15);
  assert.equal(cache.incr("n", 0), 15);
  cache.set("f", 1.5);
  assert.equal(cache.incr("f"), 2.5);
  cache.set("big", 2n ** 64n);
  assert.equal(cache.incr("big"), 2n ** 64n + 1n);
  assert.equal(cache.decr("big", 2n ** 64n), 1n);
  clock.advance(10);
  assert.throws(() => cache.incr("n"), { message: "Key ':1:n' not found", code: "KEY_NOT_FOUND" });
  cache.set("none", null);
  assert.throws(() => cache.incr("none"), { name: "TypeError", code: "NOT_A_NUMBER" });
  cache.set("s", "1");
  assert.throws(() => cache.incr("s"), TypeError);
  assert.throws(() => cache.incr("f", "1"), { name: "TypeError", code: "INVALID_DELTA" });
  assert.equal(cache.get("f"), 2.5, "a failed incr changes nothing");
  // JS does not add numbers and bigints: a delta that does not mix is the delta's fault.
  assert.throws(() => cache.incr("f", 1n), { name: "TypeError", code: "INVALID_DELTA", message: /holds a number: a bigint delta/ });
  assert.throws(() => cache.incr("big", 0.5), { name: "TypeError", code: "INVALID_DELTA", message: /holds a bigint/ });
  assert.throws(() => cache.decr("big", 2 ** 60), { name: "TypeError", code: "INVALID_DELTA" });
  assert.equal(cache.get("f"), 2.5);
  assert.equal(cache.get("big"), 1n);
  // A counter of numbers stops counting past 2^53 - 1 (2^53 + 1 is 2^53) where Django's int
  // goes on: refused, nothing changed; a bigint counter goes on; floats add as floats.
  cache.set("edge", Number.MAX_SAFE_INTEGER - 1);
  assert.equal(cache.incr("edge"), Number.MAX_SAFE_INTEGER);
  assert.throws(() => cache.incr("edge"), { name: "TypeError", code: "INVALID_DELTA", message: /2\^53 - 1/ });
  assert.equal(cache.get("edge"), Number.MAX_SAFE_INTEGER);
  cache.set("low", -Number.MAX_SAFE_INTEGER);
  assert.throws(() => cache.decr("low", 5), { code: "INVALID_DELTA" });
  assert.equal(cache.get("low"), -Number.MAX_SAFE_INTEGER);
  cache.set("edge", BigInt(Number.MAX_SAFE_INTEGER));
  assert.equal(cache.incr("edge", 2), 2n ** 53n + 1n);
  cache.set("float", 2 ** 60);
  assert.equal(cache.incr("float"), 2 ** 60, "a number past the safe range adds as JS adds");
});

test("cull: MAX_ENTRIES 30, CULL_FREQUENCY 3 leaves 29; frequency 0 leaves 19", () => {
  for (const [cullFrequency, expected] of [[3, 29], [0, 19]]) {
    const { cache } = make({ maxEntries: 30, cullFrequency });
    for (let i = 1; i < 50; i++) cache.set(`cull${i}`, "value", 1000);
    let count = 0;
    for (let i = 1; i < 50; i++) if (cache.has(`cull${i}`)) count++;
    assert.equal(count, expected, `cullFrequency ${cullFrequency}`);
  }
});

test("cull happens before every write, even an overwrite, from the LRU end", () => {
  const { cache } = make({ maxEntries: 3 });
  cache.set("a", 1);
  cache.set("b", 1);
  cache.set("c", 1);
  cache.set("c", 2);
  assert.deepEqual(cache.entries().map((e) => e.key), [":1:c", ":1:b"]);
});

test("a cull of thousands removes exactly the least recent third, whatever the reads did", () => {
  const { cache } = make({ maxEntries: 6000, timeout: null });
  for (let i = 0; i < 6000; i++) cache.set(`k${i}`, `v${i}`);
  // Reads reorder recency: the even keys below 3000 become the most recent.
  for (let i = 0; i < 3000; i += 2) cache.get(`k${i}`);
  const before = cache.stats();
  cache.set("trigger", "t"); // len 6000 >= maxEntries: cull 2000 first
  const after = cache.stats();
  assert.equal(after.evictions - before.evictions, 2000);
  assert.equal(after.entries, 4001);
  // Least recent first: the 1500 odd keys below 3000, then k3000..k3499.
  const expectedGone = (i) => (i < 3000 ? i % 2 === 1 : i < 3500);
  for (let i = 0; i < 6000; i++) {
    assert.equal(cache.has(`k${i}`), !expectedGone(i), `k${i}`);
  }
  const bytes = cache.entries().reduce((sum, e) => sum + e.bytes, 0);
  assert.equal(after.bytes, bytes, "stats bytes match the entries left");
  cache.set("k1", "back");
  assert.equal(cache.get("k1"), "back");
  assert.equal(cache.get("k2"), "v2");
  for (let i = 0; i < 3000; i++) cache.set(`new${i}`, i);
  // 1998 sets fill it to 6000, the next culls 2000 and adds 1, then 1001 more.
  assert.equal(cache.size, 6000 - 2000 + 1 + 1001, "a second cull of a third at 6000");
});

test("LRU order: get/set/add/incr move to the front; has/touch/failed add do not", () => {
  const { cache } = make({ maxEntries: 4, cullFrequency: 4 });
  const order = () => cache.entries().map((e) => e.key.slice(3));
  cache.set("a", 1);
  cache.set("b", 1);
  cache.set("c", 1);
  cache.get("a");
  assert.deepEqual(order(), ["a", "c", "b"]);
  cache.has("b");
  cache.touch("b");
  cache.add("b", 2);
  assert.deepEqual(order(), ["a", "c", "b"]);
  cache.incr("b");
  assert.deepEqual(order(), ["b", "a", "c"]);
  cache.set("d", 1);
  cache.set("e", 1); // 4 entries: cull 1, the least recently used "c"
  assert.deepEqual(order(), ["e", "d", "b", "a"]);
});

test("key warnings: Django's exact texts, code points counted, both checks", () => {
  const { cache, seen } = make();
  const long = "a".repeat(251);
  cache.set(long, 1);
  assert.deepEqual(seen, [
    `Cache key will cause errors if used with memcached: ':1:${long}' (longer than 250)`,
  ]);
  seen.length = 0;
  cache.set("清".repeat(246), 1); // ':1:' + 246 = 249 code points, 741 bytes
  assert.deepEqual(seen, []);
  for (const key of ["key with spaces", "key\twith\ttab", "a\nb", "nul\x00", "del\x7f", "it's x"]) {
    cache.get(key);
  }
  assert.deepEqual(seen, [
    "Cache key contains characters that will cause errors if used with memcached: ':1:key with spaces'",
    "Cache key contains characters that will cause errors if used with memcached: ':1:key\\twith\\ttab'",
    "Cache key contains characters that will cause errors if used with memcached: ':1:a\\nb'",
    "Cache key contains characters that will cause errors if used with memcached: ':1:nul\\x00'",
    "Cache key contains characters that will cause errors if used with memcached: ':1:del\\x7f'",
    "Cache key contains characters that will cause errors if used with memcached: \":1:it's x\"",
  ]);
  seen.length = 0;
  cache.get(`${"x".repeat(250)} `);
  assert.equal(seen.length, 2);
});

test("strictKeys throws InvalidCacheKey and changes nothing", () => {
  const cache = new MemoryCache({ strictKeys: true });
  assert.throws(() => cache.set("a b", 1), {
    name: "InvalidCacheKey",
    code: "INVALID_CACHE_KEY",
    message: "Cache key contains characters that will cause errors if used with memcached: ':1:a b'",
  });
  assert.equal(cache.size, 0);
});

test("unicode keys and values", () => {
  const { cache, seen } = make();
  for (const key of ["ascii", "清", "ñáéíóú", "\u00a0", "😀 emoji"]) {
    cache.set(key.trim() || key, `${key}!`);
    assert.equal(cache.get(key.trim() || key), `${key}!`);
  }
  // Only the emoji key has a space; Django warns on every operation (set and get).
  assert.equal(seen.length, 2);
});

test("copies: mutating what was set or what was got never changes the cache", () => {
  const { cache } = make();
  const value = { list: [1, 2], nested: { deep: new Map([["k", [1]]]) }, bytes: new Uint8Array([1, 2]) };
  cache.set("v", value);
  value.list.push(3);
  value.nested.deep.get("k").push(2);
  value.bytes[0] = 9;
  const got = cache.get("v");
  assert.deepEqual(got, { list: [1, 2], nested: { deep: new Map([["k", [1]]]) }, bytes: new Uint8Array([1, 2]) });
  got.list.length = 0;
  assert.deepEqual(cache.get("v").list, [1, 2]);
  assert.notEqual(cache.get("v"), cache.get("v"));
});

test("caches sharing a location share data, each with its own prefix and limits", () => {
  const a = new MemoryCache({ location: "shared-1" });
  const b = new MemoryCache({ location: "shared-1", keyPrefix: "b" });
  const other = new MemoryCache({ location: "elsewhere" });
  a.set("k", "from a");
  assert.equal(b.get("k", undefined), undefined, "different prefix");
  assert.equal(new MemoryCache({ location: "shared-1" }).get("k"), "from a");
  assert.equal(other.get("k"), undefined);
  b.clear();
  assert.equal(a.get("k"), undefined, "clear empties the whole shared store");
});

test("maxBytes: never exceeded, LRU evicted, oversize refused and counted", () => {
  const { cache } = make({ maxBytes: 2000 });
  for (let i = 0; i < 50; i++) {
    cache.set(`k${i}`, "x".repeat(100));
    assert.ok(cache.stats().bytes <= 2000);
  }
  const s = cache.stats();
  assert.ok(s.evictions > 0);
  assert.equal(cache.has("k49"), true);
  assert.equal(cache.has("k0"), false);
  cache.set("k49", "y".repeat(5000));
  assert.equal(cache.has("k49"), false, "refused, and the old value is gone");
  assert.deepEqual(cache.setMany({ huge: "z".repeat(5000), small: "ok" }), ["huge"]);
  assert.equal(cache.add("huge", "z".repeat(5000)), false);
  assert.equal(cache.stats().rejected, 3);
  assert.equal(cache.stats().maxBytes, 2000);
});

test("stats count every event", () => {
  const { cache, clock } = make();
  cache.set("a", 1, 1);
  cache.add("b", 2);
  cache.get("a");
  cache.get("zz");
  clock.advance(1);
  cache.get("a");
  cache.delete("b");
  assert.deepEqual(cache.stats(), {
    hits: 1,
    misses: 2,
    sets: 1,
    adds: 1,
    deletes: 1,
    evictions: 0,
    expirations: 1,
    rejected: 0,
    invalidations: 0,
    entries: 0,
    bytes: 0,
    maxBytes: null,
    hitRatio: 1 / 3,
    window: null, // LRU: no admission window
    hookErrors: 0,
  });
});

test("bad arguments throw TypeError with a code and change nothing", () => {
  const { cache } = make();
  cache.set("k", "v");
  const cases = [
    [() => cache.set({}, 1), "INVALID_KEY"],
    [() => cache.set(null, 1), "INVALID_KEY"],
    [() => cache.set("k", 2, "abc"), "INVALID_TIMEOUT"],
    [() => cache.set("k", 2, NaN), "INVALID_TIMEOUT"],
    [() => cache.set("k", 2, { timeout: "1" }), "INVALID_TIMEOUT"],
    [() => cache.get("k", undefined, { version: "2" }), "INVALID_VERSION"],
    [() => cache.get("k", undefined, 5), "INVALID_OPTIONS"],
    [() => cache.set("k", undefined), "UNSERIALIZABLE_VALUE"],
    [() => cache.set("k", Symbol("s")), "UNSERIALIZABLE_VALUE"],
    [() => cache.getMany(5), "INVALID_ARGUMENT"],
    [() => cache.setMany(5), "INVALID_ARGUMENT"],
    [() => cache.setMany([1]), "INVALID_ARGUMENT"],
    [() => new MemoryCache({ maxEntries: -1 }), "INVALID_OPTION"],
    [() => new MemoryCache({ timeout: "300" }), "INVALID_OPTION"],
    [() => new MemoryCache({ cullFrequency: 1.5 }), "INVALID_OPTION"],
    [() => new MemoryCache({ maxEntires: 5 }), "UNKNOWN_OPTION"],
  ];
  for (const [call, code] of cases) {
    assert.throws(call, (e) => e instanceof TypeError && e.code === code, `expected ${code}`);
  }
  assert.equal(cache.get("k"), "v");
  assert.equal(cache.size, 1);
});

test("DummyCache: Django's dummy behaviour, keys still validated", () => {
  const { seen, onWarning } = warnings();
  const dummy = new DummyCache({ onWarning });
  dummy.set("k", 1);
  assert.equal(dummy.get("k"), undefined);
  assert.equal(dummy.get("k", "d"), "d");
  assert.equal(dummy.add("k", 1), true);
  assert.equal(dummy.touch("k"), false);
  assert.equal(dummy.delete("k"), false);
  assert.equal(dummy.has("k"), false);
  assert.equal(dummy.getOrSet("k", "default"), "default");
  assert.deepEqual([...dummy.getMany(["a b"])], []);
  assert.deepEqual(dummy.setMany({ "c d": 1 }), []);
  dummy.deleteMany(["e f"]);
  assert.equal(seen.length, 3);
  assert.throws(() => dummy.incr("answer"), { message: "Key 'answer' not found" });
  assert.throws(() => dummy.incrVersion("answer"), { message: "Key 'answer' not found" });
  assert.equal(dummy.size, 0);
});
