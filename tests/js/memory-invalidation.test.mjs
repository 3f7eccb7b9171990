// MemoryCache: tags, namespaces, onEvict, jitter, getOrSet's refresh options, warming.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryCache } from "../../pkg/node.js";
import { manualClock } from "./helpers.mjs";

const microtasks = () => new Promise((resolve) => setTimeout(resolve, 0));

test("invalidateTags removes every tagged entry at once, whatever its version or prefix", () => {
  const c = new MemoryCache();
  c.set("a", 1, { tags: ["posts", "user:1"] });
  c.set("b", 2, { tags: ["posts"], version: 3 });
  c.add("c", 3, { tags: ["user:1"] });
  c.getOrSet("d", () => 4, { tags: ["other"] });
  c.setMany({ e: 5, f: 6 }, { tags: ["many"] });
  c.set("plain", 0);
  assert.equal(c.invalidateTags(["posts"]), 2);
  assert.deepEqual([c.get("a"), c.get("b", undefined, { version: 3 }), c.get("c"), c.get("d"), c.get("plain")], [undefined, undefined, 3, 4, 0]);
  assert.equal(c.invalidateTags(["many", "user:1"]), 3);
  assert.equal(c.stats().invalidations, 5);
  c.set("a", "again", { tags: ["posts"] });
  assert.equal(c.get("a"), "again", "a write after the invalidation is live");
});

test("tagged values keep their tags through incr, touch and incrVersion", () => {
  const c = new MemoryCache();
  c.set("n", 1, { tags: ["t"] });
  assert.equal(c.incr("n", 5), 6);
  assert.equal(c.touch("n", 100), true);
  c.set("v", "x", { tags: ["t"] });
  c.incrVersion("v");
  assert.equal(c.get("v", undefined, { version: 2 }), "x");
  assert.equal(c.invalidateTags(["t"]), 2);
  assert.equal(c.get("n"), undefined);
});

test("tags are checked before anything is written", () => {
  const c = new MemoryCache();
  for (const tags of ["t", [""], [1], ["x".repeat(129)], Array.from({ length: 17 }, (_, i) => `t${i}`)]) {
    assert.throws(() => c.set("k", 1, { tags }), (e) => e instanceof TypeError && e.code === "INVALID_TAGS", String(tags));
  }
  assert.equal(c.has("k"), false);
});

test("onEvict reports every removal and its reason, after the call returns", async () => {
  const clock = manualClock();
  const events = [];
  const c = new MemoryCache({ clock, maxEntries: 3, cullFrequency: 3, onEvict: (key, reason) => events.push(`${key}:${reason}`) });
  c.set("a", 1);
  c.set("a", 2);
  c.delete("a");
  c.set("t", 1, { timeout: 5, tags: ["x"] });
  clock.advance(5);
  c.get("t");
  c.set("x", 1, { tags: ["x"] });
  c.invalidateTags(["x"]);
  c.set("1", 1);
  c.set("2", 2);
  c.set("3", 3);
  c.set("4", 4); // 3 entries: the cull drops one
  assert.deepEqual(events, [], "nothing delivered synchronously");
  await microtasks();
  assert.deepEqual(events, [":1:a:set", ":1:a:delete", ":1:t:expire", ":1:x:invalidate", ":1:1:evict"]);
  c.clear();
  await microtasks();
  assert.deepEqual(events.slice(5).sort(), [":1:2:clear", ":1:3:clear", ":1:4:clear"]);
});

test("onEvict may use the cache, and its errors do not break the cache", async () => {
  const c = new MemoryCache({
    onEvict: (key) => {
      c.set("log", key);
    },
  });
  c.set("k", 1);
  c.delete("k");
  await microtasks();
  assert.equal(c.get("log"), ":1:k");
});

test("jitter spreads timeouts within ±jitter", () => {
  const clock = manualClock();
  const c = new MemoryCache({ clock, jitter: 0.2, seed: 1, maxEntries: 10_000 });
  for (let i = 0; i < 1000; i++) c.set(`k${i}`, i, 100);
  const alive = () => Array.from({ length: 1000 }, (_, i) => c.has(`k${i}`)).filter(Boolean).length;
  clock.advance(79.99);
  assert.equal(alive(), 1000, "none before 80 s");
  clock.advance(20);
  const half = alive();
  assert.ok(half > 400 && half < 600, `about half by 100 s (${half})`);
  clock.advance(20.02);
  assert.equal(alive(), 0, "all by 120 s");
  assert.throws(() => new MemoryCache({ jitter: 2 }), (e) => e.code === "INVALID_OPTION");
});

test("getOrSet with staleWhileRevalidate serves stale once and refreshes once", async () => {
  const clock = manualClock();
  const c = new MemoryCache({ clock });
  let calls = 0;
  const background = [];
  const options = { timeout: 10, staleWhileRevalidate: 20, waitUntil: (p) => background.push(p) };
  assert.equal(c.getOrSet("k", () => `v${++calls}`, options), "v1");
  clock.advance(12);
  assert.equal(c.get("k"), undefined, "a plain get sees it expired");
  assert.equal(c.has("k"), false);
  for (let i = 0; i < 5; i++) assert.equal(c.getOrSet("k", async () => `v${++calls}`, options), "v1", "stale, at once");
  assert.equal(background.length, 1, "one refresh");
  await Promise.all(background);
  assert.equal(calls, 2);
  assert.equal(c.get("k"), "v2");
  clock.advance(40);
  assert.equal(c.getOrSet("k", () => `v${++calls}`, options), "v3", "past the window: computed inline");
});

test("getOrSet with staleIfError serves stale when the factory throws, then rethrows", () => {
  const clock = manualClock();
  const c = new MemoryCache({ clock });
  c.getOrSet("k", () => "good", { timeout: 10, staleIfError: 30 });
  clock.advance(15);
  const boom = () => {
    throw new RangeError("down");
  };
  assert.equal(c.getOrSet("k", boom, { timeout: 10, staleIfError: 30 }), "good");
  clock.advance(30);
  assert.throws(() => c.getOrSet("k", boom, { timeout: 10, staleIfError: 30 }), RangeError);
});

test("async factories under refresh options: concurrent misses share one call", async () => {
  const c = new MemoryCache();
  let calls = 0;
  const factory = async () => {
    calls++;
    await microtasks();
    return "v";
  };
  const results = await Promise.all(Array.from({ length: 10 }, () => c.getOrSet("k", factory, { staleWhileRevalidate: 5 })));
  assert.deepEqual(results, Array(10).fill("v"));
  assert.equal(calls, 1);
  assert.equal(c.get("k"), "v");
});

test("XFetch: early refresh with probability exp(-remaining / (delta * beta))", async () => {
  const clock = manualClock();
  const c = new MemoryCache({ clock, seed: 99 });
  let early = 0;
  const trials = 4000;
  for (let i = 0; i < trials; i++) {
    c.set("k", "v", { timeout: 1, computeTime: 0.5 }); // remaining 1 s, delta 0.5 s, beta 2: P = e^-1
    const pending = [];
    c.getOrSet("k", () => "new", { beta: 2, waitUntil: (p) => pending.push(p) });
    early += pending.length;
    await Promise.all(pending);
  }
  const p = early / trials;
  assert.ok(Math.abs(p - Math.exp(-1)) < 0.03, `early-refresh rate ${p.toFixed(3)} vs e^-1`);
  c.set("far", "v", { timeout: 1000, computeTime: 0.001 });
  const pending = [];
  for (let i = 0; i < 500; i++) c.getOrSet("far", () => "x", { beta: 1, waitUntil: (p) => pending.push(p) });
  assert.equal(pending.length, 0, "never far from expiry");
});

test("namespaces: a view per namespace, invalidated at once", () => {
  const c = new MemoryCache();
  const users = c.namespace("users");
  users.set("1", "alice");
  users.setMany({ 2: "bob" });
  assert.equal(users.get("1"), "alice");
  assert.deepEqual(users.getMany(["1", "2", "3"]), new Map([["1", "alice"], ["2", "bob"]]));
  assert.equal(c.get("1"), undefined, "not a plain key");
  assert.equal(c.namespace("posts").get("1"), undefined, "not another namespace's key");
  c.invalidateNamespace("users");
  assert.equal(users.get("1"), undefined);
  assert.deepEqual(users.getMany(["1", "2"]), new Map());
  users.set("1", "carol");
  assert.equal(users.get("1"), "carol");
  // Evicting the token must not resurrect an older generation.
  c.delete("namespace:users");
  assert.equal(users.get("1"), undefined);
  assert.throws(() => c.namespace(""), (e) => e instanceof TypeError && e.code === "INVALID_NAMESPACE");
});

test("warm runs loaders with a concurrency limit", async () => {
  const c = new MemoryCache();
  const report = await c.warm(new Map([["a", () => 1], ["b", async () => 2], ["c", () => { throw new Error("x"); }]]), { concurrency: 2, tags: ["w"] });
  assert.deepEqual(report.stored.sort(), ["a", "b"]);
  assert.deepEqual(report.failed.map((f) => f.key), ["c"]);
  assert.equal(c.invalidateTags(["w"]), 2);
  await assert.rejects(c.warm({ a: 1 }), (e) => e instanceof TypeError && e.code === "INVALID_LOADERS");
});
