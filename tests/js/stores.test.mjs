// The behavioural suite against the stores that run in Node: stores.memory, a real
// directory (stores.fileSystem) and a real redis-server through node-redis and ioredis,
// with a replica for `readFrom`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "redis";
import IORedis from "ioredis";
import { Cache, stores } from "../../pkg/node.js";
import { cases } from "../suite/cache-suite.mjs";
import { startRedis } from "./redis-server.mjs";

function suite(label, makeStore, capabilities = {}) {
  for (const [name, run] of Object.entries(cases({ Cache, makeStore, ...capabilities }))) {
    test(`${label}: ${name}`, run);
  }
}

suite("memory", () => stores.memory());

const dir = mkdtempSync(join(tmpdir(), "edgecache-fs-"));
after(() => rmSync(dir, { recursive: true, force: true }));
suite("fileSystem", () => stores.fileSystem(dir, { maxEntries: 10_000 }));

let leader, replica, nodeRedis, ioLeader, ioReplica;
before(async () => {
  leader = await startRedis();
  replica = await startRedis({ replicaOf: leader.port });
  nodeRedis = await createClient({ url: `redis://127.0.0.1:${leader.port}` }).connect();
  ioLeader = new IORedis({ port: leader.port, host: "127.0.0.1" });
  ioReplica = new IORedis({ port: replica.port, host: "127.0.0.1" });
  // Wait for the replica's first sync (a startup step, not a TTL).
  for (let i = 0; i < 200 && !/master_link_status:up/.test(await ioReplica.info("replication")); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
});
after(async () => {
  await nodeRedis?.quit();
  ioLeader?.disconnect();
  ioReplica?.disconnect();
  await replica?.stop();
  await leader?.stop();
});
// The clients connect in before(): the stores are made inside each case.
suite("redis (node-redis)", () => stores.redis(nodeRedis), { atomic: true, listable: true });
suite("redis (ioredis)", () => stores.redis(ioLeader), { atomic: true, listable: true });

test("redis readFrom: reads go to the replica, writes to the leader", async () => {
  const sent = [];
  const watch = (client, role) => (args) => (sent.push([role, args[0]]), client.callBuffer(args[0], ...args.slice(1)));
  const store = stores.redis(watch(ioLeader, "leader"), { readFrom: [watch(ioReplica, "replica")] });
  const writer = new Cache({ store, memory: false, keyPrefix: "replica" });
  await writer.set("k", "v");
  let value;
  for (let i = 0; i < 50 && value === undefined; i++) {
    value = await writer.get("k");
    if (value === undefined) await new Promise((r) => setTimeout(r, 20)); // replication lag, not TTL
  }
  assert.equal(value, "v");
  assert.deepEqual([...new Set(sent.filter(([, c]) => c === "SET").map(([r]) => r))], ["leader"]);
  assert.deepEqual([...new Set(sent.filter(([, c]) => c === "GET").map(([r]) => r))], ["replica"]);
});

test("redis: records are binary-safe and get a real TTL", async () => {
  const c = new Cache({ store: stores.redis(nodeRedis), memory: false, keyPrefix: "ttl" });
  await c.set("bytes", new Uint8Array([0, 255, 13, 10, 0]), 120);
  assert.deepEqual(await c.get("bytes"), new Uint8Array([0, 255, 13, 10, 0]));
  const ttl = await nodeRedis.ttl(c.makeKey("bytes"));
  assert.ok(ttl > 100 && ttl <= 120, `TTL ${ttl}`);
  await c.set("forever", 1, null);
  assert.equal(await nodeRedis.ttl(c.makeKey("forever")), -1);
});

test("fileSystem: one file per key, named by md5, culled at maxEntries", async () => {
  const own = mkdtempSync(join(tmpdir(), "edgecache-fs-cull-"));
  try {
    const c = new Cache({ store: stores.fileSystem(own, { maxEntries: 30, cullFrequency: 3 }), memory: false });
    for (let i = 0; i < 49; i++) await c.set(`k${i}`, i);
    const files = readdirSync(own);
    assert.ok(files.every((f) => /^[0-9a-f]{32}\.djcache$/.test(f)), files.join());
    // Django's rule (cull 1/3 when at 30 files before a write) leaves 29 after 49 writes.
    assert.equal(files.length, 29);
  } finally {
    rmSync(own, { recursive: true, force: true });
  }
});

test("a store missing a method is refused at construction", () => {
  assert.throws(() => new Cache({ store: { get() {}, put() {} } }), { name: "TypeError", code: "INVALID_STORE", message: /delete\(\)/ });
  assert.throws(() => new Cache({}), { code: "INVALID_STORE" });
  assert.throws(() => new Cache({ store: stores.memory(), maxEntries: 5 }), { code: "UNKNOWN_OPTION" });
});

test("configureCaches: backend kv builds an async Cache", async () => {
  const { configureCaches, getCache } = await import("../../pkg/node.js");
  const store = stores.memory();
  configureCaches({ default: {}, shared: { backend: "kv", store, keyPrefix: "reg" } });
  const shared = getCache("shared");
  assert.ok(shared instanceof Cache);
  assert.equal(getCache("shared"), shared);
  await shared.set("k", "v");
  assert.equal(await new Cache({ store, keyPrefix: "reg" }).get("k"), "v");
  assert.throws(() => configureCaches({ default: {}, bad: { backend: "kv" } }), { code: "INVALID_STORE" });
  configureCaches({ default: {} });
});

test("memory: an existing MemoryCache serves as the memory tier", async () => {
  const { MemoryCache } = await import("../../pkg/node.js");
  const tier = new MemoryCache({ maxEntries: 2, cullFrequency: 0 });
  const store = stores.memory();
  const c = new Cache({ store, memory: tier, keyPrefix: "tier" });
  await c.set("a", 1);
  assert.equal(tier.get("a", undefined, { version: 1 }), undefined, "the tier holds made keys, not the caller's");
  assert.deepEqual(tier.entries().map((e) => e.key), ["tier:1:a"]);
  await c.set("b", 2);
  await c.set("c", 3); // the tier's own rules: cullFrequency 0 clears it at maxEntries
  assert.deepEqual(tier.entries().map((e) => e.key), ["tier:1:c"]);
  assert.equal(await c.get("a"), 1, "still in the store");
  assert.equal(c.stats().memory.entries, 2);
});

test("redis: another tenant's or another key's record copied under a key by the real server is a counted miss", async () => {
  const store = stores.redis(ioLeader);
  const errors = [];
  const a = new Cache({ store, memory: false, keyPrefix: "tenantA", onError: (e) => errors.push(e) });
  const b = new Cache({ store, memory: false, keyPrefix: "tenantB" });
  await a.set("secret", "A's");
  await a.set("other", "A's other");
  await b.set("secret", "B's");
  // What a proxy or a replica mix-up would hand back: the server's own COPY of another record.
  await ioLeader.copy("tenantB:1:secret", "tenantA:1:secret", "REPLACE");
  assert.equal(await a.get("secret"), undefined);
  await ioLeader.copy("tenantA:1:other", "tenantA:1:secret", "REPLACE");
  assert.equal(await a.get("secret"), undefined);
  assert.equal(a.stats().corruptRecords, 2);
  assert.ok(errors.every((e) => e.code === "CORRUPT_VALUE" && /another key/.test(e.message)));
  assert.equal(await a.get("other"), "A's other");
});
