// getOrSet's `lock` option across separate instances of real runtimes over real stores:
// fresh Cache instances in two workerd isolates sharing one D1 database, separate deno
// processes sharing a file-backed Deno KV, and the lease as real Redis holds it. (The
// single-process cases run on every atomic store in tests/suite/lease-cases.mjs.)
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Miniflare } from "miniflare";
import IORedis from "ioredis";
import { Cache, stores } from "../../pkg/node.js";
import { workerOptions } from "./helpers.mjs";
import { startRedis } from "./redis-server.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Exactly one of `answers` computed, and every instance returned its value. */
function oneComputed(answers) {
  const computed = answers.filter((a) => a.computed);
  assert.equal(computed.length, 1, `one instance computes: ${JSON.stringify(answers)}`);
  for (const a of answers) assert.equal(a.value, computed[0].value, "every instance returns the holder's value");
  assert.equal(answers.reduce((n, a) => n + a.leasesAcquired, 0), 1, "one lease taken");
  assert.equal(answers.reduce((n, a) => n + a.leaseTimeouts, 0), 0, "no waiter gave up");
}

test("workerd: fresh instances in two isolates over one D1 database call the factory once", async () => {
  const worker = (name) => ({ name, ...workerOptions("worker-instance.mjs", { kvNamespaces: { KV: "kv" }, d1Databases: { DB: "shared-d1" } }) });
  const mf = new Miniflare({ workers: [worker("a"), worker("b")] });
  try {
    const post = async (isolate, ops) => {
      const w = await mf.getWorker(isolate);
      return (await w.fetch("http://localhost/?store=d1", { method: "POST", body: JSON.stringify(ops) })).json();
    };
    // Warm both isolates (each makes the D1 table if missing), then six fresh instances at once.
    await post("a", [{ op: "get", key: "warm" }]);
    await post("b", [{ op: "get", key: "warm" }]);
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => post(i % 2 ? "b" : "a", [{ op: "leased", key: "hot", ms: 400, name: `i${i}` }])));
    oneComputed(answers.map((a) => a[0]));
  } finally {
    await mf.dispose();
  }
});

test("deno: separate processes over one file-backed Deno KV call the factory once", async () => {
  const deno = join(root, "node_modules/@deno/linux-x64-glibc/deno");
  const work = mkdtempSync(join(tmpdir(), "edgecache-deno-lease-"));
  const kv = join(work, "kv.sqlite");
  const run = async (ops) => {
    const { stdout } = await promisify(execFile)(deno, ["run", "--unstable-kv", `--allow-read=${root},${work}`, `--allow-write=${work}`, join(root, "tests/runtimes/deno-instance.mjs"), kv, JSON.stringify(ops)], {
      env: { ...process.env, DENO_DIR: join(work, "deno-dir"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    });
    return JSON.parse(stdout.trim());
  };
  try {
    await run([{ op: "get", key: "warm" }]); // creates the database file
    // Process start-up varies by hundreds of ms: the factory outlasts it, so every process
    // arrives while the first holds the lease (or after its value is written).
    const answers = await Promise.all(Array.from({ length: 4 }, (_, i) => run([{ op: "leased", key: "hot", ms: 2000, name: `p${i}` }])));
    oneComputed(answers.map((a) => a[0]));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test("redis: the lease is a key with a TTL, gone once its holder finishes", async () => {
  const server = await startRedis();
  const client = new IORedis({ port: server.port, host: "127.0.0.1" });
  after(async () => {
    client.disconnect();
    await server.stop();
  });
  const cache = new Cache({ store: stores.redis(client), memory: false, keyPrefix: "lease" });
  let release;
  const holding = cache.getOrSet("k", () => new Promise((resolve) => (release = resolve)), { timeout: 60, lock: { ttl: 7 } });
  let keys = [];
  for (let i = 0; i < 100 && keys.length === 0; i++, await sleep(10)) keys = await client.keys("lease:*");
  assert.equal(keys.length, 1, "one key while the factory runs: the lease");
  const ttl = await client.pttl(keys[0]);
  assert.ok(ttl > 0 && ttl <= 7000, `the store expires the lease within its ttl (PTTL ${ttl} ms)`);
  release("v");
  assert.equal(await holding, "v");
  assert.deepEqual(await client.keys("lease:*#*"), [], "the lease is freed");
  assert.equal(await client.exists(keys[0]), 0);
});

test("a store without compare-and-swap: a lease already visible still spares the origin", async () => {
  const inner = stores.memory();
  const { compareAndSwap, ...store } = inner;
  assert.equal(typeof compareAndSwap, "function");
  const fleet = Array.from({ length: 5 }, () => new Cache({ store: { ...store }, memory: false }));
  let calls = 0;
  const factory = async () => {
    calls++;
    await sleep(150);
    return "v";
  };
  const first = fleet[0].getOrSet("k", factory, { timeout: 60, lock: true });
  await sleep(40); // the first instance's lease is in the store
  const rest = await Promise.all(fleet.slice(1).map((c) => c.getOrSet("k", factory, { timeout: 60, lock: true })));
  assert.deepEqual([await first, ...rest], ["v", "v", "v", "v", "v"]);
  assert.equal(calls, 1, "the later instances waited for the value");
});
