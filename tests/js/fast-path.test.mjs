// The string fast path (js/fast.js) must behave exactly like the general methods.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryCache, Cache, stores } from "../../pkg/node.js";
import { manualClock, warnings } from "./helpers.mjs";

test("non-ASCII, long and empty keys and values round-trip through the scratch buffer", () => {
  const cache = new MemoryCache({ maxEntries: 10_000 });
  const cases = [
    ["", ""],
    ["清水", "ñandú 😀"],
    ["k".repeat(63) + "é", "v".repeat(65) + "清"],
    ["x".repeat(200), "😀".repeat(5000)],
    ["mixed-ascii-then-清-then-ascii", "a\u0000b"],
  ];
  for (const [k, v] of cases) {
    cache.set(k, v);
    assert.equal(cache.get(k), v);
    assert.equal(cache.has(k), true);
    // The general path sees the same entry.
    assert.equal(cache.get(k, undefined, { version: 1 }), v);
  }
  cache.set(5, "number key, general path");
  assert.equal(cache.get("5"), "number key, general path");
});

test("ASCII-only strings (stored under their own tag) and others read back alike on every path", async () => {
  const cache = new MemoryCache({ maxEntries: 10_000 });
  const values = [
    "", "a", "\u007f".repeat(3), "x".repeat(64), "x".repeat(65) + "\u0080", "é", "\u00ff",
    "\ud83d\ude00", "tail\ud800", "ascii then 清", "y".repeat(5000), "y".repeat(5000) + "é",
  ];
  // Keys around the 64-byte boundary of the ASCII key check, and non-ASCII ones.
  const keys = ["k", "k".repeat(64), "k".repeat(65), "é".repeat(32), "k".repeat(63) + "é"];
  for (const key of keys) {
    for (const [i, value] of values.entries()) {
      const k = `${key}${i}`;
      cache.set(k, value);
      // A lone surrogate is written as U+FFFD, as TextEncoder does.
      const expected = value.toWellFormed();
      assert.equal(cache.get(k), expected, `get ${JSON.stringify(k)}`);
      assert.deepEqual([...cache.getMany([k]).values()], [expected]);
      assert.equal(cache.getOrSet(k, "other"), expected);
      assert.throws(() => cache.incr(k), TypeError);
    }
  }
});

test("objects of every encoded length up to the copy's limits and past them round-trip", () => {
  // The encoded bytes go into wasm memory 8, then 4, then 1 byte at a time up to 192 bytes, by
  // one set() past that: every length and remainder, on both sides of each limit.
  const c = new MemoryCache({ timeout: null, maxEntries: 1000 });
  for (let n = 0; n < 320; n++) {
    const value = { n, s: "é".repeat(n % 3) + "x".repeat(n), list: [n, -n / 3] };
    c.set(`k${n}`, value);
    assert.deepEqual(c.get(`k${n}`), value, `length ${n}`);
  }
  for (let n = 0; n < 320; n++) assert.equal(c.get(`k${n}`).s.length, n + (n % 3), `length ${n} after the others`);
});

test("short strings inside objects read back at every length and with a non-ASCII character anywhere", () => {
  // Up to 16 bytes, ASCII text is made by one String.fromCharCode call per length: each length
  // has its own case, and a non-ASCII byte at any place must send it to the UTF-8 decoder.
  const c = new MemoryCache({ timeout: null, maxEntries: 1000 });
  const alphabet = "abcdefghijklmnopqrstuvwxyz";
  for (let n = 0; n <= 20; n++) {
    const ascii = alphabet.slice(0, n);
    const values = [ascii];
    for (let at = 0; at < n; at++) values.push(`${ascii.slice(0, at)}é${ascii.slice(at + 1)}`);
    for (const [i, text] of values.entries()) {
      const value = { [text || "empty"]: text, list: [text, n], nested: { t: text } };
      c.set(`s${n}:${i}`, value);
      assert.deepEqual(c.get(`s${n}:${i}`), value, `length ${n}, variant ${i}`);
    }
  }
});

test("views stay valid when wasm memory grows under them", () => {
  const cache = new MemoryCache({ maxEntries: 100_000, timeout: null });
  const big = "z".repeat(64 * 1024);
  for (let i = 0; i < 300; i++) cache.set(`big${i}`, big + i); // ~20 MB: memory grows many times
  for (let i = 0; i < 300; i += 37) assert.equal(cache.get(`big${i}`), big + i);
  assert.equal(cache.get("absent", "d"), "d");
});

test("warnings, strictKeys and keyFunction apply on the fast path", () => {
  const { seen, onWarning } = warnings();
  const cache = new MemoryCache({ onWarning });
  cache.set("a b", "v");
  cache.get("a b");
  cache.has("a b");
  assert.equal(seen.length, 3);
  const strict = new MemoryCache({ strictKeys: true });
  assert.throws(() => strict.set("a b", "v"), { name: "InvalidCacheKey" });
  assert.throws(() => strict.get("a\nb"), { name: "InvalidCacheKey" });
  const custom = new MemoryCache({ keyFunction: (k, p, v) => `${k}#${v}` });
  custom.set("k", "v");
  assert.deepEqual(custom.entries().map((e) => e.key), ["k#1"]);
  assert.equal(custom.get("k"), "v");
});

test("timeouts on the fast path: default, null, seconds, 0; bad ones go to the general path", () => {
  const clock = manualClock();
  const cache = new MemoryCache({ clock, timeout: 10 });
  cache.set("d", "v");
  cache.set("n", "v", null);
  cache.set("s", "v", 2.5);
  cache.set("z", "v", 0);
  assert.equal(cache.get("z"), undefined);
  clock.advance(2.5);
  assert.equal(cache.has("s"), false);
  clock.advance(7.5);
  assert.equal(cache.get("d"), undefined);
  assert.equal(cache.get("n"), "v");
  assert.throws(() => cache.set("k", "v", NaN), { code: "INVALID_TIMEOUT" });
  assert.throws(() => cache.set("k", "v", "1"), { code: "INVALID_TIMEOUT" });
  assert.equal(cache.has("k"), false);
});

test("stats and recency are counted once per call on the fast path", () => {
  const cache = new MemoryCache({ clock: manualClock() });
  cache.set("a", "1");
  cache.set("b", "2");
  cache.get("a");
  cache.get("zz");
  const s = cache.stats();
  assert.deepEqual([s.sets, s.hits, s.misses], [2, 1, 1]);
  assert.deepEqual(cache.entries().map((e) => e.key), [":1:a", ":1:b"]);
});

test("a re-entrant keyFunction sees consistent keys", () => {
  let inner;
  const cache = new MemoryCache({
    keyFunction: (k, p, v) => {
      if (k === "outer") inner.get("something-else"); // writes the scratch buffer meanwhile
      return `${p}:${v}:${k}`;
    },
  });
  inner = new MemoryCache();
  cache.set("outer", "value");
  assert.equal(cache.get("outer"), "value");
  assert.deepEqual(cache.entries().map((e) => e.key), [":1:outer"]);
  inner.set("something-else", "x".repeat(500)); // a hit that fills the scratch and out slots
  cache.set("outer", Uint8Array.from([7, 8, 9]));
  assert.deepEqual([...cache.get("outer")], [7, 8, 9]);
});

test("values read on the fast path: bytes are copies, other types and errors come back whole", () => {
  const cache = new MemoryCache({ maxEntries: 100 });
  const bytes = Uint8Array.from([1, 2, 3, 250]);
  cache.set("b", bytes);
  const first = cache.get("b");
  assert.ok(first instanceof Uint8Array);
  assert.deepEqual([...first], [1, 2, 3, 250]);
  first[0] = 99; // a copy: the cached bytes do not change
  assert.deepEqual([...cache.get("b")], [1, 2, 3, 250]);
  assert.notEqual(cache.get("b").buffer, cache.get("b").buffer, "each get has its own buffer");
  const others = [
    new Int16Array([-1, 2]), new Uint8Array(0), new ArrayBuffer(3), { a: [1, "x"] }, [1, 2], 0, -0, null, false, 10n,
    new Date(5), new Map([[1, 2]]), "ascii", "ñ", "",
  ];
  others.forEach((value, i) => cache.set(`v${i}`, value));
  others.forEach((value, i) => assert.deepEqual(cache.get(`v${i}`), value, `value ${i}`));
  assert.ok(Object.is(cache.get("v6"), -0));
  const thrown = new Error("from the key function");
  const failing = new MemoryCache({ keyFunction: () => { throw thrown; } });
  assert.throws(() => failing.get("k"), (e) => e === thrown, "rethrown unchanged");
  assert.throws(() => failing.has("k"), (e) => e === thrown);
  assert.throws(() => failing.set("k", "v"), (e) => e === thrown);
  assert.equal(cache.get("v14"), "", "the cache still answers after errors elsewhere");
});

test("an async Cache reads its clock once per set and not at all for a store hit without a memory tier", async () => {
  let reads = 0;
  const clock = { now: () => (reads++, Date.now()) };
  const store = stores.memory();
  const tiered = new Cache({ store, clock });
  await tiered.set("k", { a: 1 });
  assert.equal(reads, 1); // the seal's reading also fills the memory tier
  const direct = new Cache({ store, clock, memory: false });
  reads = 0;
  assert.deepEqual(await direct.get("k"), { a: 1 });
  assert.equal(reads, 1); // judging the record's expiry; no tier to fill
  await direct.set("n", "never", null);
  assert.equal(reads, 2);
  assert.equal(await direct.get("n"), "never");
});

test("an async Cache on the system clock: a tier entry expires after localTimeout by the time JS reads for it", async () => {
  // Date.now is what the system clock reads on both sides (JS and the wasm binding): set by
  // hand here, so the test waits for nothing.
  const realNow = Date.now;
  let t = 1_800_000_000_000;
  Date.now = () => t;
  try {
    const cache = new Cache({ store: stores.memory(), memory: { maxEntries: 10 }, localTimeout: 5, timeout: 600 });
    await cache.set("k", { v: 1 });
    assert.deepEqual(await cache.get("k"), { v: 1 });
    assert.equal(cache.stats().storeReads, 0, "a tier hit");
    t += 4_000;
    assert.deepEqual(await cache.get("k"), { v: 1 });
    assert.equal(cache.stats().storeReads, 0, "still inside localTimeout");
    t += 2_000;
    assert.deepEqual(await cache.get("k"), { v: 1 });
    assert.equal(cache.stats().storeReads, 1, "past localTimeout: read from the store again");
    t += 700_000;
    assert.equal(await cache.get("k"), undefined, "past the value's own timeout");
  } finally {
    Date.now = realNow;
  }
});
