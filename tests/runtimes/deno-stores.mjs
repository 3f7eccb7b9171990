// Runs inside the real deno binary (spawned by tests/js/deno-stores.test.mjs): the async
// Cache suite against Deno KV (in memory and file-backed), stores.fileSystem and
// stores.memcached (Deno.connect to a real memcached); prints JSON.
import { Cache, stores } from "../../pkg/deno.js";
import { runSuite } from "../suite/cache-suite.mjs";

const [kvPath, dir, memcachedAddress] = Deno.args;
const memoryKv = await Deno.openKv(":memory:");
const fileKv = await Deno.openKv(kvPath);
const results = {
  "denoKV :memory:": await runSuite({ Cache, makeStore: () => stores.denoKV(memoryKv) }),
  "denoKV file": await runSuite({ Cache, makeStore: () => stores.denoKV(fileKv, { prefix: ["app", "cache"] }) }),
  fileSystem: await runSuite({ Cache, makeStore: () => stores.fileSystem(dir, { maxEntries: 10_000 }) }),
};
const memcached = stores.memcached([memcachedAddress]);
results.memcached = await runSuite({ Cache, makeStore: () => memcached, listable: false });
memcached.close();

// A 200 KB value over Deno KV's 64 KiB value limit, through the default limits.
const big = "0123456789".repeat(20_000);
await new Cache({ store: stores.denoKV(fileKv) }).set("big", big);
const reread = await new Cache({ store: stores.denoKV(fileKv), memory: false }).get("big");
const chunks = [];
for await (const entry of fileKv.list({ prefix: ["edgecache"] })) chunks.push(entry.value.length);
memoryKv.close();
fileKv.close();
console.log(JSON.stringify({ results, big: reread === big, largest: Math.max(...chunks), records: chunks.length }));
