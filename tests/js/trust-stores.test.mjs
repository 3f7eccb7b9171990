// Adversarial store answers (issue: trust), split from trust.test.mjs: another key's record,
// garbage, random and mutated bytes, records of the previous build: each is a counted miss or
// store error, never a rejected read or a wrong value.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Cache, stores } from "../../pkg/node.js";
import { seeded } from "./helpers.mjs";

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

test("bytes a store answers are read by what they are: a detached buffer or a Proxy is a counted miss, a lying length is not believed", async () => {
  // A Uint8Array over a detached buffer and a Proxy of one passed `instanceof Uint8Array` and
  // threw the engine's uncoded TypeError out of get(); an own `length` was believed.
  const inner = stores.memory();
  const writer = new Cache({ store: inner, memory: false });
  await writer.set("k", { a: 1 });
  const [[storeKey, entry]] = [...inner.map];
  const good = entry.value;
  const copy = () => good.slice();
  const detached = () => {
    const b = copy();
    structuredClone(b.buffer, { transfer: [b.buffer] });
    return b;
  };
  const longer = () => Object.defineProperty(copy(), "length", { value: 1 << 30 });
  class Lying extends Uint8Array {
    get length() {
      return 3;
    }
  }
  const lying = () => new Lying(copy());
  const { proxy: revoked, revoke } = Proxy.revocable(copy(), {});
  revoke();
  const cases = [
    [detached, undefined],
    [() => new Proxy(copy(), {}), undefined],
    // (the store's own promise rejects with the engine's error, resolving to a revoked Proxy:
    // a store error, reported as it is)
    [() => revoked, undefined, "any"],
    [() => { const b = copy().buffer; const view = new DataView(b); structuredClone(b, { transfer: [b] }); return view; }, undefined],
    [() => { const b = copy().buffer; structuredClone(b, { transfer: [b] }); return b; }, undefined],
    [longer, { a: 1 }],
    [lying, { a: 1 }],
    [() => new DataView(copy().buffer), { a: 1 }],
  ];
  for (const [answer, expected, reported = "CORRUPT_VALUE"] of cases) {
    const errors = [];
    const store = { ...inner, limits: inner.limits, get: async (key) => (key === storeKey ? answer() : inner.get(key)) };
    const cache = new Cache({ store, memory: false, onError: (e) => errors.push(e.code) });
    assert.deepEqual(await cache.get("k"), expected, String(answer));
    assert.deepEqual(await cache.getMany(["k", "never-set"]), expected === undefined ? new Map() : new Map([["k", expected]]));
    if (expected === undefined) assert.ok(errors.length > 0 && errors.every((c) => reported === "any" || c === reported), `${answer}: ${errors.join()}`);
    await cache.set("j", 2);
    assert.equal(await cache.get("j"), 2, "the cache still works");
  }
});

test("clear() trusts no listing: other caches' keys are never deleted, and one that never ends stops at storeTimeout", async () => {
  const inner = stores.memory();
  const mine = new Cache({ store: inner, keyPrefix: "a", memory: false });
  const theirs = new Cache({ store: inner, keyPrefix: "b", memory: false });
  await mine.set("x", 1);
  await theirs.set("y", 2);
  // An adapter whose list ignores the prefix it is asked for (and yields a non-string).
  const sloppy = { ...inner, limits: inner.limits, async *list() { yield 7; yield* [...inner.map.keys()]; } };
  await new Cache({ store: sloppy, keyPrefix: "a", memory: false }).clear();
  assert.equal(await mine.get("x"), undefined, "this cache's keys are cleared");
  assert.equal(await theirs.get("y"), 2, "another cache's keys are not");
  // A listing that never ends, every step resolved at once: it ran on microtasks alone, so the
  // storeTimeout timer never fired and the host hung.
  let listed = 0;
  const endless = { ...inner, limits: inner.limits, async *list(prefix) { for (;;) { listed++; yield `${prefix}k${listed}`; } } };
  const errors = [];
  const cache = new Cache({ store: endless, keyPrefix: "a", memory: false, storeTimeout: 0.1, onError: (e) => errors.push(e.code) });
  await assert.rejects(cache.clear(), { code: "STORE_TIMEOUT" });
  assert.deepEqual(errors, ["STORE_TIMEOUT"]);
  const after = listed;
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(listed, after, "the listing stopped");
  await cache.set("k", 1);
  assert.equal(await cache.get("k"), 1);
  // A KV namespace whose list cursor never moves (and never completes) listed the same page for
  // good inside the adapter, where no key reaches clear()'s check.
  let pages = 0;
  const kv = {
    get: async () => null,
    put: async () => {},
    delete: async () => {},
    list: async () => (pages++, { keys: [], list_complete: false, cursor: "same" }),
  };
  await new Cache({ store: stores.cloudflareKV(kv), memory: false }).clear();
  assert.ok(pages <= 2, `${pages} pages listed`);
});
