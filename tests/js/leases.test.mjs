// getOrSet's `lock` option across separate instances of real runtimes over real stores:
// fresh Cache instances in two workerd isolates sharing one D1 database, separate deno
// processes sharing a file-backed Deno KV, the lease as real Redis holds it, and the `lock`
// option of cachePage, cacheMiddleware, cacheFragment and honoCache over Redis. (The
// single-process cases run on every atomic store in tests/suite/lease-cases.mjs.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Miniflare } from "miniflare";
import IORedis from "ioredis";
import { Hono } from "hono";
import { Cache, cacheFragment, cacheMiddleware, cachePage, honoCache, stores } from "../../pkg/node.js";
import { workerOptions } from "./helpers.mjs";
import { startRedis } from "./redis-server.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Exactly one of `answers` computed, and every instance returned its value. */
function oneComputed(answers) {
  const computed = answers.filter((a) => a.computed);
  assert.equal(computed.length, 1, `one instance computes: ${JSON.stringify(answers)}`);
  for (const a of answers) assert.equal(a.value, computed[0].value, "every instance returns the holder's value");
  // A waiter may take the lease the holder just freed, then read the value: no second call.
  assert.ok(answers.reduce((n, a) => n + a.leasesAcquired, 0) >= 1, "a lease was taken");
  assert.equal(answers.reduce((n, a) => n + a.leaseTimeouts, 0), 0, "no waiter gave up");
}

/** Runs `ops` in a fresh deno process with one Cache over the Deno KV file `kv` in `work`. */
function denoInstance(work, kv) {
  const deno = join(root, "node_modules/@deno/linux-x64-glibc/deno");
  return async (ops) => {
    const { stdout } = await promisify(execFile)(deno, ["run", "--unstable-kv", `--allow-read=${root},${work}`, `--allow-write=${work}`, join(root, "tests/runtimes/deno-instance.mjs"), kv, JSON.stringify(ops)], {
      env: { ...process.env, DENO_DIR: join(work, "deno-dir"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    });
    return JSON.parse(stdout.trim());
  };
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
  const work = mkdtempSync(join(tmpdir(), "edgecache-deno-lease-"));
  const kv = join(work, "kv.sqlite");
  const run = denoInstance(work, kv);
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

test("deno: processes writing one file-backed Deno KV at once wait out its lock: no error, no lost increment", async () => {
  // SQLite answers a writer that finds the file locked by another process with "database is
  // locked"; the adapter retries it. Four processes increment one counter 40 times each.
  const work = mkdtempSync(join(tmpdir(), "edgecache-deno-busy-"));
  const kv = join(work, "kv.sqlite");
  const run = denoInstance(work, kv);
  try {
    await run([{ op: "set", key: "n", value: 0 }]);
    const answers = await Promise.all(Array.from({ length: 4 }, () => run([{ op: "count", key: "n", times: 40 }])));
    assert.deepEqual(answers.map((a) => a[0].errors), [[], [], [], []], "no store error reached the cache");
    assert.deepEqual(await run([{ op: "get", key: "n" }]), [160], "every increment landed once");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

let redis, client;
before(async () => {
  redis = await startRedis();
  client = new IORedis({ port: redis.port, host: "127.0.0.1" });
});
after(async () => {
  client?.disconnect();
  await redis?.stop();
});
/** `n` fresh instances over the real Redis, as `n` Workers isolates would each make one. */
const fleetOf = (n, prefix) => Array.from({ length: n }, () => new Cache({ store: stores.redis(client), memory: false, keyPrefix: prefix }));

test("redis: the lease is a key with a TTL, gone once its holder finishes", async () => {
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
  assert.equal(await client.exists(keys[0]), 0, "the lease is freed");
});

test("cachePage with lock: one handler call for a fleet missing one page; private pages are not shared nor queued", async () => {
  let calls = 0;
  const page = async (request) => {
    calls++;
    await sleep(150);
    const priv = new URL(request.url).pathname === "/me";
    return new Response(`${request.headers.get("x-user")} ${calls}`, { headers: { "cache-control": priv ? "private" : "max-age=60" } });
  };
  const fleet = fleetOf(6, "pages").map((cache) => cachePage(page, { timeout: 60, cache, lock: true, cacheStatusHeader: "x-cache" }));
  const ask = (f, i, path) => f(new Request(`http://shop.test${path}`, { headers: { "x-user": `u${i}` } }));
  const shared = await Promise.all(fleet.map((f, i) => ask(f, i, "/products")));
  assert.equal(calls, 1, "one handler call");
  const bodies = await Promise.all(shared.map((r) => r.text()));
  assert.equal(new Set(bodies).size, 1, "every instance serves the stored page");
  assert.match(bodies[0], / 1$/, "the one handler call's");
  assert.deepEqual(shared.map((r) => r.headers.get("x-cache")).sort(), ["HIT", "HIT", "HIT", "HIT", "HIT", "MISS"]);

  calls = 0;
  const started = Date.now();
  const mine = await Promise.all(fleet.map((f, i) => ask(f, i, "/me")));
  const took = Date.now() - started;
  assert.equal(calls, 6, "a private page is computed for each request");
  assert.deepEqual(await Promise.all(mine.map((r) => r.text().then((t) => t.split(" ")[0]))), ["u0", "u1", "u2", "u3", "u4", "u5"], "each user gets their own page");
  // Queued one after another, six 150 ms calls would take 900 ms or more.
  assert.ok(took < 750, `the waiters computed side by side once the holder stored nothing (${took} ms)`);
});

test("cacheMiddleware with lock: a request of another variant is never served the holder's page", async () => {
  let calls = 0;
  const page = async (request) => {
    calls++;
    await sleep(100);
    return new Response(request.headers.get("accept-language"), { headers: { "cache-control": "max-age=60", vary: "Accept-Language" } });
  };
  const [a, b] = fleetOf(2, "variants").map((cache) => cacheMiddleware(page, { cache, lock: true }));
  // Learn the Vary list first, so the page key of each language differs.
  await (await a(new Request("http://shop.test/", { headers: { "accept-language": "en" } }))).text();
  calls = 0;
  const [fr, de] = await Promise.all([
    a(new Request("http://shop.test/?x", { headers: { "accept-language": "fr" } })),
    b(new Request("http://shop.test/?x", { headers: { "accept-language": "de" } })),
  ]);
  assert.deepEqual([await fr.text(), await de.text()], ["fr", "de"], "each request gets its own variant");
  assert.equal(calls, 2);
});

test("cacheFragment and honoCache with lock: one render and one handler call across instances", async () => {
  let renders = 0;
  const render = async () => {
    renders++;
    await sleep(100);
    return "<nav>menu</nav>";
  };
  const html = await Promise.all(fleetOf(5, "fragments").map((using) => cacheFragment("nav", ["en"], 60, render, { using, lock: { wait: 5 } })));
  assert.deepEqual(html, Array(5).fill("<nav>menu</nav>"));
  assert.equal(renders, 1, "one render");

  let handled = 0;
  const apps = fleetOf(4, "hono").map((cache) => {
    const app = new Hono();
    app.use("/p/*", honoCache({ timeout: 60, cache, lock: true }));
    app.get("/p/:id", async (c) => {
      handled++;
      await sleep(100);
      return c.text(`product ${c.req.param("id")}`);
    });
    return app;
  });
  const answers = await Promise.all(apps.map((app) => app.request("/p/7").then((r) => r.text())));
  assert.deepEqual(answers, Array(4).fill("product 7"));
  assert.equal(handled, 1, "one handler call");
});

test("lock options of the HTTP helpers are checked when they are made", () => {
  assert.throws(() => cachePage(() => new Response(""), { timeout: 1, lock: { ttl: 0 } }), { code: "INVALID_OPTIONS" });
  assert.throws(() => honoCache({ timeout: 1, lock: { waits: 1 } }), { code: "UNKNOWN_OPTION" });
  assert.throws(() => cacheFragment("f", [], 60, () => "x", { lock: "always" }), { code: "INVALID_OPTIONS" });
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

test("a store answering garbage to the lease: no hang, no wrong value, the factory still runs (bounded by wait)", async () => {
  const inner = stores.memory();
  const liar = {
    ...inner,
    // A driver's "OK" instead of a boolean: a protocol error, counted; computed without a lease.
    compareAndSwap: async () => "OK",
  };
  const cache = new Cache({ store: liar, memory: false, onError: () => {} });
  assert.equal(await cache.getOrSet("k", () => "v1", { timeout: 60, lock: true }), "v1");
  assert.ok(cache.stats().storeErrors >= 1, "the bad answer is a counted store error");

  // Another key's bytes under the lease key, and a compare-and-swap that never succeeds: the
  // foreign bytes are not a live lease, the takeover fails, and the wait ends in a computation.
  // (Lease keys end in "#" and an md5; the value's own key does not.)
  const lease = (key) => key.includes("#");
  const stubborn = {
    ...inner,
    get: async (key) => (lease(key) ? new Uint8Array([1, 2, 3]) : inner.get(key)),
    compareAndSwap: async (key, ...rest) => (lease(key) ? false : inner.compareAndSwap(key, ...rest)),
  };
  const other = new Cache({ store: stubborn, memory: false, onError: () => {} });
  const started = Date.now();
  assert.equal(await other.getOrSet("j", () => "v2", { timeout: 60, lock: { wait: 0.3 } }), "v2");
  assert.ok(Date.now() - started < 2000, "bounded by wait");
  assert.equal(other.stats().leaseTimeouts, 1);
});
