// Adversarial values (issue: trust), split from trust.test.mjs: what the value codec does with
// getters that use or grow the cache, polluted or replaced built-ins, and strings of every
// length: exactly the value given comes back, and no host code runs while a value is read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { MemoryCache, Cache, stores } from "../../pkg/node.js";

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

test("the fast path's encoder region in wasm memory: getters and key functions that use the caches mid-set, memory growth, and values past the region's size", () => {
  // MemoryCache.set encodes an object straight into a region of wasm memory and stores it from
  // there. Everything that can run meanwhile must leave the stored value exactly as given.
  const other = new MemoryCache({ maxEntries: 100_000, timeout: null });
  let inKey = 0;
  // A key function runs inside the wasm set, after the value is encoded: it sets objects of
  // its own (the region is reused) and grows memory.
  const cache = new MemoryCache({
    maxEntries: 100_000,
    timeout: null,
    keyFunction: (key, prefix, version) => {
      other.set(`from-key-fn:${inKey++}`, { other: "x".repeat(300), list: [inKey, inKey] });
      return `${prefix}:${version}:${key}`;
    },
  });
  let grown = 0;
  const withGetters = (n) => ({
    first: n,
    get grow() {
      // Detaches every view of wasm memory; the region's bytes so far stay where they were.
      for (let i = 0; i < 300; i++) other.set(`filler:${grown}:${i}`, "f".repeat(4000));
      grown++;
      return "g".repeat(n % 40);
    },
    get nested() {
      other.set(`nested:${n}`, { inner: [n, "i".repeat(n % 20)], deep: { n } }); // another encoding
      return other.get(`nested:${n}`);
    },
    // More fields after the getters, then the field count written back at the start.
    last: Array.from({ length: n % 5 }, (_, i) => `item ${i}`),
  });
  for (let n = 0; n < 40; n++) {
    cache.set(`k${n}`, withGetters(n));
    assert.deepEqual(cache.get(`k${n}`), {
      first: n,
      grow: "g".repeat(n % 40),
      nested: { inner: [n, "i".repeat(n % 20)], deep: { n } },
      last: Array.from({ length: n % 5 }, (_, i) => `item ${i}`),
    }, `value ${n}`);
    // The nested set ran inside this one: neither took the other's key.
    assert.equal(cache.has(`nested:${n}`), false);
    assert.deepEqual(other.get(`nested:${n}`), { inner: [n, "i".repeat(n % 20)], deep: { n } });
  }
  // Values past the region's 128 KiB are finished in JS memory (the general path stores those
  // past 64 KiB); small ones after them still round-trip, also with memory growing mid-encode.
  for (const size of [1000, 70_000, 140_000, 300_000]) {
    const value = { size, text: "t".repeat(size), get grows() { for (let i = 0; i < 100; i++) other.set(`g${size}:${i}`, "h".repeat(5000)); return size; } };
    cache.set(`big${size}`, value);
    assert.deepEqual(cache.get(`big${size}`), { size, text: "t".repeat(size), grows: size });
    cache.set(`small${size}`, { small: size });
    assert.deepEqual(cache.get(`small${size}`), { small: size });
  }
  assert.ok(grown > 0 && inKey > 0);
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

test("a host that replaced Array.prototype.push, pop or includes: nested objects, cycles and depth are still checked, without calling them", () => {
  const cache = new MemoryCache();
  const { push, pop, includes } = Array.prototype;
  let called = 0;
  Array.prototype.push = function (...items) { called++; return push.apply(this, items); };
  Array.prototype.pop = function () { called++; return pop.call(this); };
  Array.prototype.includes = function (...args) { called++; return includes.apply(this, args); };
  let counted;
  try {
    const nested = { a: { b: { c: [1, { d: 2 }] } } };
    cache.set("n", nested);
    const cyclic = { self: null };
    cyclic.self = cyclic;
    assert.throws(() => cache.set("c", cyclic), { code: "UNSERIALIZABLE_VALUE" });
    counted = called;
  } finally {
    Array.prototype.push = push;
    Array.prototype.pop = pop;
    Array.prototype.includes = includes;
  }
  assert.equal(counted, 0, "the encoder's own stack, not Array methods");
  assert.deepEqual(cache.get("n"), { a: { b: { c: [1, { d: 2 }] } } });
  assert.equal(cache.get("c"), undefined);
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

test("a host that put accessors on Object.prototype under the package's own field names: values, stats, errors and pages are intact, and no setter runs", () => {
  // A fresh process: the accessors must exist before any of the package's objects do.
  const script = fileURLToPath(new URL("../runtimes/host-accessors.mjs", import.meta.url));
  const { set, out } = JSON.parse(execFileSync(process.execPath, [script], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
  assert.deepEqual(set, [], "assignments that reached a host setter");
  const value = { id: 1, code: "c", value: [1, { state: "s" }], bytes: [1, 2], m: [["k", { at: 2 }]] };
  assert.deepEqual(out, { get: value, refresh: 5, stats: true, errorCode: "UNKNOWN_OPTION", tier: value, fromStore: [value, value, null], computed: [1, 0], ttls: ["none", "none"], page: "page", warmed: 1 });
});
