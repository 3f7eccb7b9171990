// A platform object passed where its adapter belongs is refused with a message naming it (the
// real objects: miniflare's Workers KV and D1 bindings, node-redis and ioredis clients), and
// store errors without onError are said once on the console.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { Miniflare } from "miniflare";
import { createClient } from "redis";
import IORedis from "ioredis";
import { Cache, stores } from "../../pkg/node.js";

const mf = new Miniflare({ modules: true, script: "export default { fetch() { return new Response(''); } }", kvNamespaces: ["KV"], d1Databases: ["DB"] });
after(() => mf.dispose());

test("raw bindings and clients are refused, naming the adapter to use", async () => {
  const cases = [
    [await mf.getKVNamespace("KV"), /Workers KV binding.*stores\.cloudflareKV/],
    [await mf.getD1Database("DB"), /D1 database.*stores\.sql/],
    [createClient(), /Redis client.*stores\.redis/],
    [new IORedis({ lazyConnect: true }), /Redis client.*stores\.redis/],
    // Deno.Kv's shape (Deno itself is not in this process; deno-stores covers the real one).
    [{ get() {}, set() {}, delete() {}, list() {}, atomic() {}, enqueue() {} }, /Deno\.Kv.*stores\.denoKV/],
  ];
  for (const [store, message] of cases) {
    assert.throws(() => new Cache({ store }), (e) => e.code === "INVALID_STORE" && message.test(e.message), String(message));
  }
  // The adapters over the same objects are accepted.
  assert.ok(new Cache({ store: stores.cloudflareKV(await mf.getKVNamespace("KV")) }));
  assert.ok(new Cache({ store: stores.sql(await mf.getD1Database("DB")) }));
});

test("store errors without onError: one console warning, then counted silently", async () => {
  const failing = { name: "failing", get: async () => { throw new Error("down"); }, put: async () => {}, delete: async () => true };
  const cache = new Cache({ store: failing, memory: false });
  const warned = [];
  const warn = console.warn;
  console.warn = (...args) => warned.push(args.join(" "));
  try {
    assert.equal(await cache.get("a"), undefined);
    assert.equal(await cache.get("b"), undefined);
  } finally {
    console.warn = warn;
  }
  assert.equal(warned.length, 1);
  assert.match(warned[0], /store get failed.*down.*onError/);
  assert.equal(cache.stats().storeErrors, 2);
});
