// stores.redis over a real three-master Redis Cluster (redis-server --cluster-enabled, joined by
// redis-cli --cluster create), through node-redis createCluster and ioredis Redis.Cluster: the
// async Cache suite, batch reads across slots, tags, clear() on every master, a paused master.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createCluster } from "redis";
import IORedis from "ioredis";
import { Cache, cachePage, stores } from "../../pkg/node.js";
import { __redisSlots } from "../../pkg/edgecache.js";
import { cases, makeClock } from "../suite/cache-suite.mjs";
import { startCluster } from "./redis-cluster.mjs";

let cluster, nodeRedis, io;
before(async () => {
  cluster = await startCluster(3);
  nodeRedis = await createCluster({ rootNodes: [{ url: `redis://127.0.0.1:${cluster.ports[0]}` }] }).connect();
  io = new IORedis.Cluster([{ host: "127.0.0.1", port: cluster.ports[0] }]);
  await io.ping();
});
after(async () => {
  await nodeRedis?.close?.();
  io?.disconnect();
  await cluster?.stop();
});

const clients = { "node-redis": () => nodeRedis, ioredis: () => io };

for (const [label, client] of Object.entries(clients)) {
  for (const [name, run] of Object.entries(cases({ Cache, makeStore: () => stores.redis(client()), atomic: true, listable: true }))) {
    test(`redis cluster (${label}): ${name}`, run);
  }
}

/** Every key on every master (redis-cli, outside the clients under test). */
function keysOnNodes() {
  return cluster.ports.map((port) => execFileSync("redis-cli", ["-p", String(port), "--scan"], { encoding: "utf8" }).split("\n").filter(Boolean));
}

test("redis cluster: slots agree with the server's CLUSTER KEYSLOT", () => {
  const keys = ["foo", "", "{user}.a", "a{}b", "x{{y}}z", "ü:1:clé", ...Array.from({ length: 200 }, (_, i) => `p:${i}:${(i * 7919).toString(36)}`)];
  const ours = [...__redisSlots(keys)];
  const script = keys.map((k) => `redis.call('CLUSTER', 'KEYSLOT', ARGV[${keys.indexOf(k) + 1}])`).join(", ");
  const theirs = JSON.parse(execFileSync("redis-cli", ["-p", String(cluster.ports[0]), "--no-raw", "EVAL", `return cjson.encode({${script}})`, "0", ...keys], { encoding: "utf8" }).trim().replace(/^"|"$/g, "").replace(/\\"/g, '"'));
  assert.deepEqual(ours, theirs);
});

for (const [label, client] of Object.entries(clients)) {
  test(`redis cluster (${label}): getMany over many slots, tags and chunks seen by another instance`, async () => {
    const store = stores.redis(client());
    const clock = makeClock();
    const writer = new Cache({ store, memory: false, keyPrefix: `many-${label}`, clock });
    const reader = new Cache({ store, memory: false, keyPrefix: `many-${label}`, clock });
    const keys = Array.from({ length: 60 }, (_, i) => `k${i}`);
    await writer.setMany(Object.fromEntries(keys.map((k, i) => [k, { i }])));
    const got = await reader.getMany(keys);
    assert.equal(got.size, 60);
    for (const [i, k] of keys.entries()) assert.deepEqual(got.get(k), { i });
    // The keys really are spread over the three masters.
    assert.ok(keysOnNodes().every((ks) => ks.some((k) => k.startsWith(`many-${label}`))));
    // Two tags: their stamps live in other slots than the value.
    await writer.set("tagged", "v", { tags: ["red", "blue", "green"] });
    assert.equal(await reader.get("tagged"), "v");
    clock.advance(1); // an invalidation after the write (one in the same millisecond keeps it)
    await writer.invalidateTags(["blue"]);
    // The reader read the stamps before: within localTimeout (60 s by default) it may keep them.
    clock.advance(61);
    assert.equal(await reader.get("tagged"), undefined);
    assert.equal(reader.stats().storeErrors, 0);
    // A value over the store's item limit is chunked; its chunks spread over slots.
    const small = { ...store, limits: { ...store.limits, maxValueBytes: 1024 } };
    const big = "x".repeat(20_000) + "end";
    await new Cache({ store: small, memory: false, keyPrefix: `chunks-${label}` }).set("big", big);
    assert.equal(await new Cache({ store: small, memory: false, keyPrefix: `chunks-${label}` }).get("big"), big);
  });

  test(`redis cluster (${label}): clear() leaves no key of this cache on any master`, async () => {
    const store = stores.redis(client());
    const doomed = new Cache({ store, memory: false, keyPrefix: `clr-${label}` });
    const kept = new Cache({ store, memory: false, keyPrefix: `keep-${label}` });
    await doomed.setMany(Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`k${i}`, i])));
    await kept.setMany(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i])));
    await doomed.clear();
    const left = keysOnNodes().flat();
    assert.equal(left.filter((k) => k.startsWith(`clr-${label}`)).length, 0);
    assert.equal(left.filter((k) => k.startsWith(`keep-${label}:`)).length, 30);
    assert.equal(await kept.get("k7"), 7);
  });

  test(`redis cluster (${label}): cachePage with tags`, async () => {
    let calls = 0;
    const clock = makeClock();
    const handler = () => new Response(`page ${++calls}`);
    const make = () => cachePage(handler, { timeout: 60, tags: ["pages", "home"], clock, cache: new Cache({ store: stores.redis(client()), memory: false, keyPrefix: `page-${label}`, clock }) });
    const [a, b] = [make(), make()];
    assert.equal(await (await a(new Request("http://site.test/"))).text(), "page 1");
    assert.equal(await (await b(new Request("http://site.test/"))).text(), "page 1");
    clock.advance(1);
    await new Cache({ store: stores.redis(client()), memory: false, keyPrefix: `page-${label}`, clock }).invalidateTags(["home"]);
    clock.advance(61); // past b's localTimeout
    assert.equal(await (await b(new Request("http://site.test/"))).text(), "page 2");
    assert.equal(calls, 2);
  });
}

test("redis cluster: a master paused for 2 s: timeouts counted, no wrong value, all readable after", async () => {
  const store = stores.redis(io);
  const cache = new Cache({ store, memory: false, keyPrefix: "pause", storeTimeout: 0.3 });
  const keys = Array.from({ length: 30 }, (_, i) => `k${i}`);
  await cache.setMany(Object.fromEntries(keys.map((k, i) => [k, `v${i}`])));
  await cluster.pause(1);
  try {
    const t = Date.now();
    while (Date.now() - t < 2000) {
      for (const [i, k] of keys.entries()) {
        const v = await cache.get(k);
        assert.ok(v === undefined || v === `v${i}`, `wrong value for ${k}: ${v}`);
      }
    }
    assert.ok(cache.stats().storeErrors > 0, "no timeout was counted");
  } finally {
    cluster.resume(1);
  }
  // The client's queued commands drain once the node runs again.
  let all;
  for (let i = 0; i < 40; i++) {
    all = await cache.getMany(keys);
    if (all.size === keys.length) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(all.size, keys.length);
  for (const [i, k] of keys.entries()) assert.equal(all.get(k), `v${i}`);
});
