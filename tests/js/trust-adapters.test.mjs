// The package's store adapters over platforms that answer garbage (a proxy in between, a wrong
// server, a client library's new reply types, a binding of another shape). stores.redis over a
// command function that answers some commands with a random wrong reply, or fails them, and
// the rest like a small honest Redis; stores.sql, stores.cloudflareKV and stores.denoKV over
// bindings that answer nothing but garbage. Seeded random operation sequences through an async
// Cache: every read is undefined or a value once written (or an incr's result), every thrown
// or reported error is coded or the client's own, nothing hangs. The real platforms are in
// stores.test.mjs, redis-cluster.test.mjs, workerd-stores.test.mjs and deno-stores.test.mjs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Cache, stores } from "../../pkg/node.js";
import { seeded } from "./helpers.mjs";

const DOWN = "redis down";

/** A command function: an honest in-memory Redis for GET, MGET, SET, DEL, PTTL, SCAN and the CAS script. */
function honestRedis() {
  const data = new Map();
  const text = (a) => (Buffer.isBuffer(a) ? a.toString("latin1") : String(a));
  return (args) => {
    const [cmd, ...rest] = args;
    const key = text(rest[0]);
    switch (cmd) {
      case "GET":
        return data.get(key) ?? null;
      case "MGET":
        return rest.map((k) => data.get(text(k)) ?? null);
      case "SET":
        data.set(key, Buffer.from(rest[1]));
        return "OK";
      case "DEL":
        return data.delete(key) ? 1 : 0;
      case "PTTL":
        return data.has(key) ? -1 : -2;
      case "SCAN": {
        const prefix = text(rest[2]).slice(0, -1).replace(/\\(.)/g, "$1");
        return ["0", [...data.keys()].filter((k) => k.startsWith(prefix)).map((k) => Buffer.from(k, "latin1"))];
      }
      case "EVAL": {
        const [, , k, absent, expected, value] = rest.map((a, i) => (i === 5 ? a : text(a)));
        const current = data.get(k);
        const same = current !== undefined && current.toString("latin1") === expected;
        if (absent === "1" ? current !== undefined : !same) return 0;
        data.set(k, Buffer.from(value));
        return 1;
      }
      default:
        throw new Error(`unexpected command ${cmd}`);
    }
  };
}

const GARBAGE = [null, 0, 1, "OK", "1", [], [null, "x"], ["0", [Buffer.from("k"), 5]], { a: 1 }, -1, [Buffer.alloc(0)], ["5", []], [1], Buffer.from([3, 1, 2])];

const show = (v) => JSON.stringify(v ?? null, (_, x) => (typeof x === "bigint" ? `${x}n` : x));

for (const rate of [0.2, 0.5]) {
  test(`stores.redis: replies that are garbage ${rate * 100}% of the time: no wrong value, no uncoded error, no hang`, async () => {
    for (let trial = 0; trial < 30; trial++) {
      const random = seeded(1000 * rate + trial);
      const pick = (list) => list[Math.floor(random() * list.length)];
      const redis = honestRedis();
      const send = async (args) => {
        const r = random();
        if (r < rate / 4) throw new Error(DOWN);
        if (r < rate) return pick(GARBAGE);
        return redis(args);
      };
      const reported = [];
      const cache = new Cache({
        store: stores.redis(send),
        memory: trial % 2 === 0 ? false : { maxEntries: 50 },
        // Django's format on a third of the trials: its reads also ask PTTL, its incr KEEPTTL.
        format: trial % 3 === 2 ? "django" : undefined,
        storeTimeout: 0.2,
        onError: (e) => reported.push(e),
      });
      const written = new Map(); // key -> every value written (shown)
      const remember = (k, v) => written.set(k, (written.get(k) ?? new Set()).add(show(v)));
      const check = (op, k, v) => {
        if (v !== undefined && v !== null && !written.get(k)?.has(show(v))) assert.fail(`trial ${trial}: ${op}(${k}) read ${show(v)}, never written`);
      };
      for (let i = 0; i < 300; i++) {
        const k = pick(["a", "b", "c", "d"]);
        const v = pick([1, "s", { o: 1 }, [1, 2], 2n ** 70n]);
        const op = pick(["get", "set", "add", "delete", "getMany", "setMany", "incr", "touch", "has", "getOrSet", "clear", "invalidateTags", "setTagged"]);
        try {
          if (op === "get") check(op, k, await cache.get(k));
          else if (op === "set") await cache.set(k, (remember(k, v), v));
          else if (op === "setTagged") await cache.set(k, (remember(k, v), v), { tags: ["t1", "t2"] });
          else if (op === "add") await cache.add(k, (remember(k, v), v));
          else if (op === "delete") await cache.delete(k);
          else if (op === "getMany") for (const [key, value] of await cache.getMany(["a", "b", "c", "d"])) check(op, key, value);
          else if (op === "setMany") await cache.setMany({ [k]: (remember(k, v), v) });
          else if (op === "incr") {
            // A failed incr may still have written its sum (the failure came after the swap).
            for (const shown of [...(written.get(k) ?? [])]) {
              const n = JSON.parse(shown);
              if (typeof n === "number") remember(k, n + 1);
              else if (/^-?\d+n$/.test(n)) remember(k, BigInt(n.slice(0, -1)) + 1n);
            }
            await cache.incr(k);
          } else if (op === "touch") await cache.touch(k, 100);
          else if (op === "has") await cache.has(k);
          else if (op === "getOrSet") check(op, k, await cache.getOrSet(k, () => (remember(k, v), v)));
          else if (op === "clear") await cache.clear();
          else if (op === "invalidateTags") await cache.invalidateTags(["t1"]);
        } catch (e) {
          // What must answer (incr, clear, invalidateTags...) throws: a coded error, or the client's own.
          if (e.message !== DOWN) assert.ok(typeof e.code === "string", `trial ${trial}: ${op} threw ${e.constructor.name}: ${e.message}`);
        }
      }
      for (const e of reported) if (e.message !== DOWN) assert.ok(typeof e.code === "string", `trial ${trial}: onError got ${e.constructor.name}: ${e.message}`);
    }
  });
}

test("stores.sql, stores.cloudflareKV and stores.denoKV over bindings that answer only garbage: misses and coded errors", async () => {
  // Each threw the engine's TypeError ("page.keys is not iterable", "Cannot read properties of
  // null (reading 'value')") out of clear(), incr() and to onError.
  const random = seeded(99);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const answers = [null, undefined, 0, "x", [], {}, { results: null }, { results: [null] }, { results: "x" }, { value: 5 }, { value: null, versionstamp: null },
    [null], [{}], { keys: null }, { keys: [null], list_complete: true }, { meta: null }, new Uint8Array(3), new ArrayBuffer(2), { n: "x" }, { cursor: 5, keys: [], list_complete: false }];
  const garbage = async () => pick(answers);
  const statement = () => ({ bind: () => statement(), first: garbage, all: garbage, run: garbage });
  const listing = async function* () {
    const page = pick(answers);
    if (page !== null && typeof page === "object" && Symbol.iterator in page) yield* page;
  };
  const adapters = {
    sql: () => stores.sql({ prepare: () => statement() }),
    cloudflareKV: () => stores.cloudflareKV({ get: garbage, put: garbage, delete: garbage, list: garbage }),
    "cloudflareKV base64": () => stores.cloudflareKV({ get: garbage, put: garbage, delete: garbage, list: garbage }, { encoding: "base64" }),
    denoKV: () => stores.denoKV({ get: garbage, getMany: garbage, set: garbage, delete: garbage, list: listing, atomic: () => ({ check() { return this; }, set() { return this; }, delete() { return this; }, commit: garbage }) }),
  };
  const ops = {
    get: (c) => c.get("a"),
    set: (c) => c.set("a", 1),
    add: (c) => c.add("a", 1),
    delete: (c) => c.delete("a"),
    getMany: (c) => c.getMany(["a", "b"]),
    incr: (c) => c.incr("a"),
    touch: (c) => c.touch("a", 5),
    has: (c) => c.has("a"),
    getOrSet: (c) => c.getOrSet("a", () => 1),
    clear: (c) => c.clear(),
    invalidateTags: (c) => c.invalidateTags(["t"]),
  };
  for (const [name, make] of Object.entries(adapters)) {
    for (let trial = 0; trial < 20; trial++) {
      const reported = [];
      const cache = new Cache({ store: make(), memory: false, storeTimeout: 0.2, onError: (e) => reported.push(e) });
      for (let i = 0; i < 60; i++) {
        const op = pick(Object.keys(ops));
        try {
          const r = await ops[op](cache);
          if (op === "get") assert.equal(r, undefined, `${name}: get read ${r}`);
          if (op === "getOrSet") assert.equal(r, 1, `${name}: getOrSet answered ${r}`);
        } catch (e) {
          assert.ok(typeof e.code === "string", `${name}: ${op} threw ${e.constructor.name}: ${e.message}`);
        }
      }
      for (const e of reported) assert.ok(typeof e?.code === "string", `${name}: onError got ${e?.constructor?.name}: ${e?.message}`);
    }
  }
});

test("stores.cacheStorage: a URL in the Cache it did not make (a malformed escape) is not a key; clear() goes on", async () => {
  const entries = new Map();
  const fake = {
    match: async (url) => entries.get(url),
    put: async (url, response) => void entries.set(url, new Response(await response.arrayBuffer(), response)),
    delete: async (url) => entries.delete(url),
    keys: async () => [...entries.keys()].map((url) => ({ url })),
  };
  const cache = new Cache({ store: stores.cacheStorage(fake), memory: false });
  await cache.set("k", 1);
  const [mine] = entries.keys();
  entries.set(`${new URL(mine).origin}/%E0%A4%A`, new Response("x"));
  await cache.clear(); // threw URIError: URI malformed
  assert.equal(await cache.get("k"), undefined);
  assert.equal(entries.size, 1, "the foreign entry is left alone");
});
