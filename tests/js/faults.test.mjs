// Fault injection: a store that throws, rejects, hangs past storeTimeout, or returns
// corrupted and foreign bytes, in the middle of a random workload of three instances.
// The caller never sees an exception, never a value that was not written to that key, and
// the stats count every fault once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Cache, MemoryCache, cachePage, stores } from "../../pkg/node.js";
import { manualClock, seeded } from "./helpers.mjs";

/** Wraps `store`: each call fails with probability `rate`, in one of four ways. */
function faulty(store, random, rate) {
  const faults = { thrown: 0, rejected: 0, hung: 0, corrupt: 0 };
  const kind = () => (random() < rate ? ["thrown", "rejected", "hung"][Math.floor(random() * 3)] : null);
  const fail = (k) => {
    faults[k]++;
    if (k === "thrown") throw new Error("injected: thrown");
    if (k === "rejected") return Promise.reject(new Error("injected: rejected"));
    return new Promise(() => {}); // hung: only storeTimeout ends it
  };
  const spoil = (bytes) => {
    faults.corrupt++;
    if (bytes === null || random() < 0.5) return new TextEncoder().encode("foreign bytes");
    const out = bytes.slice();
    out[Math.floor(random() * out.length)] ^= 1 + Math.floor(random() * 255);
    return out;
  };
  const wrapped = {
    limits: store.limits,
    get(key) {
      const k = kind();
      if (k) return fail(k);
      return store.get(key).then((b) => (random() < rate / 2 ? spoil(b) : b));
    },
    async getMany(keys) {
      const k = kind();
      if (k) return fail(k);
      const values = await Promise.all(keys.map((key) => store.get(key)));
      if (random() < rate / 2) {
        const i = Math.floor(random() * values.length);
        values[i] = spoil(values[i]);
      }
      return values;
    },
    put(key, value, options) {
      const k = kind();
      return k ? fail(k) : store.put(key, value, options);
    },
    delete(key) {
      const k = kind();
      return k ? fail(k) : store.delete(key);
    },
  };
  return { store: wrapped, faults };
}

test("faults mid-workload: no exception, no wrong value, every fault counted", async () => {
  const random = seeded(20261123);
  const { store, faults } = faulty(stores.memory(), random, 0.15);
  const reported = [];
  const caches = [0, 1, 2].map((i) => new Cache({
    store,
    storeTimeout: 0.02,
    memory: i === 2 ? false : { maxEntries: 8 },
    onError: (error, { op }) => reported.push([error.code ?? error.message, op]),
  }));
  const written = new Map(); // key -> every value ever written to it
  const remember = (key, value) => written.set(key, (written.get(key) ?? new Set()).add(value));
  const allowed = (key, value) => value === undefined || written.get(key)?.has(value);
  for (let step = 0; step < 1500; step++) {
    const c = caches[Math.floor(random() * 3)];
    const key = `k${Math.floor(random() * 12)}`;
    const value = `${key}=${step}`;
    const op = Math.floor(random() * 8);
    if (op === 0) {
      remember(key, value);
      await c.set(key, value, random() < 0.2 ? null : 60);
    } else if (op === 1) {
      remember(key, value);
      assert.equal(typeof (await c.add(key, value)), "boolean");
    } else if (op === 2) {
      await c.delete(key);
    } else if (op === 3) {
      const many = await c.getMany([key, "k1", "k2"]);
      for (const [k, v] of many) assert.ok(allowed(k, v), `getMany ${k} -> ${v}`);
    } else if (op === 4) {
      remember(key, value);
      const got = await c.getOrSet(key, async () => value);
      assert.ok(allowed(key, got), `getOrSet ${key} -> ${got}`);
    } else if (op === 5) {
      assert.equal(typeof (await c.touch(key, 30)), "boolean");
    } else {
      const got = await c.get(key);
      assert.ok(allowed(key, got), `get ${key} -> ${got}`);
    }
  }
  const stats = caches.map((c) => c.stats());
  const storeErrors = stats.reduce((n, s) => n + s.storeErrors, 0);
  const corrupt = stats.reduce((n, s) => n + s.corruptRecords, 0);
  assert.ok(faults.thrown > 20 && faults.rejected > 20 && faults.hung > 20 && faults.corrupt > 20, JSON.stringify(faults));
  assert.equal(storeErrors, faults.thrown + faults.rejected + faults.hung);
  assert.equal(corrupt, faults.corrupt);
  assert.equal(reported.length, storeErrors + corrupt);
  assert.equal(reported.filter(([code]) => code === "STORE_TIMEOUT").length, faults.hung);
});

test("strict: store errors reach the caller unchanged", async () => {
  const boom = new Error("adapter down");
  const store = { get: async () => { throw boom; }, put: async () => { throw boom; }, delete: async () => { throw boom; } };
  const c = new Cache({ store, strict: true, memory: false });
  await assert.rejects(c.get("k"), (e) => e === boom);
  await assert.rejects(c.set("k", 1), (e) => e === boom);
  const lenient = new Cache({ store });
  await lenient.set("k", 1);
  assert.equal(await lenient.get("k"), 1, "the memory tier keeps the write the store lost");
  assert.equal(lenient.stats().storeErrors, 1);
  await assert.rejects(lenient.incr("k"), (e) => e === boom, "incr must return a number: it throws");
});

/** Whether `promise` is still pending after the event loop has turned `turns` times. */
async function pendingAfter(promise, turns = 30) {
  let settled = false;
  promise.then(() => (settled = true), () => (settled = true));
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
  return !settled;
}

test("a factory or a page handler that never settles holds only the calls that joined it in its first minute", async () => {
  // Concurrent getOrSet calls of one key share one factory call, and concurrent misses of one
  // URL one handler call. One that never settled once took every later call of that key or URL
  // with it, for as long as the process ran.
  const clock = manualClock();
  const never = new Promise(() => {});
  const cache = new Cache({ store: stores.memory({ clock }), clock });
  const first = cache.getOrSet("k", () => never);
  assert.equal(await pendingAfter(first), true);
  const joined = cache.getOrSet("k", () => "its own");
  assert.equal(await pendingAfter(joined), true, "joined within the minute: shares the call");
  clock.advance(61);
  assert.equal(await cache.getOrSet("k", async () => "fresh"), "fresh");
  assert.equal(await cache.get("k"), "fresh");
  // With refresh options the refresh flight is bounded the same way.
  assert.equal(await cache.getOrSet("s", () => "v1", { timeout: 1, staleWhileRevalidate: 600 }), "v1");
  clock.advance(2);
  assert.equal(await cache.getOrSet("s", () => never, { timeout: 1, staleWhileRevalidate: 600 }), "v1"); // refresh stuck
  clock.advance(61);
  assert.equal(await cache.getOrSet("s", async () => "v2", { timeout: 1, staleWhileRevalidate: 600 }), "v1");
  for (let i = 0; i < 30; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(await cache.get("s"), "v2", "a new refresh ran");

  let calls = 0;
  const page = cachePage(async () => (++calls === 1 ? never : new Response(`page ${calls}`, { headers: { "cache-control": "max-age=600" } })), {
    timeout: 600,
    cache: new MemoryCache({ clock }),
    clock,
  });
  const stuck = page(new Request("http://host.test/p"));
  const waiting = page(new Request("http://host.test/p"));
  assert.equal(await pendingAfter(stuck), true);
  assert.equal(await pendingAfter(waiting), true, "joined within the minute");
  clock.advance(61);
  assert.equal(await (await page(new Request("http://host.test/p"))).text(), "page 2");
  assert.equal(calls, 2);
});

test("MemoryCache: an async factory that never settles (refresh options) holds only the calls that joined it in its first minute", async () => {
  // MemoryCache's flights are timed by the system clock (JS does not see the cache's own).
  const realNow = Date.now;
  let now = realNow();
  Date.now = () => now;
  try {
    const cache = new MemoryCache();
    const options = { timeout: 600, staleWhileRevalidate: 60 };
    const first = cache.getOrSet("k", () => new Promise(() => {}), options);
    const joined = cache.getOrSet("k", async () => "its own", options);
    assert.equal(await pendingAfter(first), true);
    assert.equal(await pendingAfter(joined), true, "joined within the minute");
    now += 61_000;
    assert.equal(await cache.getOrSet("k", async () => "fresh", options), "fresh");
    assert.equal(cache.get("k"), "fresh");
  } finally {
    Date.now = realNow;
  }
});

test("a storeTimeout longer than timers take (Infinity, a year) arms one timer, not one a millisecond", async () => {
  // Engines fire a delay over 2^31 - 1 ms at once (Node: after 1 ms, with a warning): the
  // deadline re-armed itself every millisecond while a call was pending.
  const slow = stores.memory();
  const get = slow.get.bind(slow);
  slow.get = (key) => new Promise((resolve) => setTimeout(() => resolve(get(key)), 60));
  const warnings = [];
  const onWarning = (w) => warnings.push(w.name);
  process.on("warning", onWarning);
  const real = globalThis.setTimeout;
  let armed = 0;
  globalThis.setTimeout = (run, ms, ...rest) => (armed++, real(run, ms, ...rest));
  try {
    for (const storeTimeout of [Infinity, 365 * 86400]) {
      const cache = new Cache({ store: slow, storeTimeout, memory: false, strict: true });
      await cache.set("k", { v: 1 });
      armed = 0;
      assert.deepEqual(await cache.get("k"), { v: 1 });
      assert.ok(armed <= 3, `${armed} timers armed for one 60 ms call (storeTimeout ${storeTimeout})`);
    }
  } finally {
    globalThis.setTimeout = real;
  }
  await new Promise((resolve) => setImmediate(resolve));
  process.off("warning", onWarning);
  assert.deepEqual(warnings, []);
});

test("a getOrSet factory or a page handler asking for its own key is not joined to itself", async () => {
  // It joined the call it was part of and waited for itself, forever.
  const within = (promise) => Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error("hung")), 2000))]);
  for (const memory of [false, undefined]) {
    const cache = new Cache({ store: stores.memory(), memory });
    // As Django's get_or_set: the inner call computes and adds 2; the outer add loses to it.
    assert.equal(await within(cache.getOrSet("k", async () => (await cache.getOrSet("k", async () => 2)) + 1)), 2);
    // Twice from one factory (both asked before its first await).
    const twice = async () => (await Promise.all([cache.getOrSet("t", async () => 1), cache.getOrSet("t", async () => 1)])).reduce((a, b) => a + b);
    assert.equal(await within(cache.getOrSet("t", twice)), 1);
    // Concurrent callers still share one factory call.
    let calls = 0;
    const slow = async () => (calls++, await new Promise((resolve) => setTimeout(resolve, 10)), 7);
    assert.deepEqual(await Promise.all([cache.getOrSet("s", slow), cache.getOrSet("s", slow), cache.getOrSet("s", slow)]), [7, 7, 7]);
    assert.equal(calls, 1);
  }
  let depth = 0;
  const page = cachePage(async () => {
    depth++;
    if (depth > 1) return new Response("inner");
    const inner = await page(new Request("http://host.test/same"));
    return new Response(`outer ${await inner.text()}`);
  }, { timeout: 60, cache: new Cache({ store: stores.memory() }) });
  const response = await within(page(new Request("http://host.test/same")));
  assert.equal(await response.text(), "outer inner");
});

test("MemoryCache.getOrSet with an async factory and no refresh options: a clear UNSERIALIZABLE_VALUE, and the factory's rejection is not left unhandled", async () => {
  const cache = new MemoryCache();
  assert.throws(() => cache.getOrSet("k", async () => 1), { code: "UNSERIALIZABLE_VALUE", message: /factory returned a Promise.*refresh options/ });
  assert.equal(cache.has("k"), false);
  // A factory whose own promise rejects (here: its inner getOrSet throws): reported, not an
  // unhandled rejection, which would end the process (and fail this test).
  const error = console.error;
  const reported = [];
  console.error = (...args) => reported.push(args);
  try {
    assert.throws(() => cache.getOrSet("k", async () => (await cache.getOrSet("k", async () => 2)) + 1), { code: "UNSERIALIZABLE_VALUE" });
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    console.error = error;
  }
  assert.equal(reported.length, 1);
  // With refresh options an async factory is supported.
  assert.equal(await cache.getOrSet("k", async () => 3, { timeout: 60, staleWhileRevalidate: 10 }), 3);
});
