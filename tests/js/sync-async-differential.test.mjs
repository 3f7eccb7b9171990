// MemoryCache and the async Cache have one API with one meaning: seeded random operation
// sequences (set, add, get and set with a version, getOrSet, incr/decr, touch, the *Many
// calls, incrVersion, clear, the clock moving on) run on both, over one manual clock, with and
// without the Cache's memory tier; every answer and every error code must match. One
// difference is Django's own: LocMemCache's delete() answers true for an expired entry it still
// holds (MemoryCache, exactly), while a store that has let it expire answers false (as Django's
// Redis and memcached backends do).
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryCache, Cache, stores } from "../../pkg/node.js";

const show = (v) =>
  JSON.stringify(v, (_, x) => (typeof x === "bigint" ? `${x}n` : x instanceof Map ? [...x] : x === undefined ? "(undefined)" : x));

const OPS = ["set", "get", "add", "delete", "has", "incr", "decr", "touch", "getMany", "setMany", "deleteMany", "getOrSet", "incrVersion", "decrVersion", "advance", "clear", "getVersion", "setVersion", "getOrSetFactory", "hasVersion", "deleteVersion"];

test("MemoryCache and Cache answer the same operations alike", async () => {
  const diverged = [];
  for (let trial = 0; trial < 400; trial++) {
    let seed = trial * 7 + 3;
    const rnd = (n) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const clock = { t: 1_700_000_000_000, now() { return this.t; } };
    const sync = new MemoryCache({ clock, maxEntries: 1000 });
    // The same operations again, asked before each delete whether the key is live (has()
    // drops an expired entry, so it cannot be asked of `sync` itself).
    const shadow = new MemoryCache({ clock, maxEntries: 1000 });
    const tier = trial % 2 === 0;
    const cache = new Cache({ store: stores.memory({ clock }), clock, memory: tier ? { maxEntries: 1000 } : false, localTimeout: 3600 });
    const KEYS = ["a", "b", "c", "n", "é", 7, 2.5];
    const value = () => [1, "s", { o: 1 }, 2.5, -3, null, [1, 2], 2n ** 60n, true][rnd(9)];
    const timeout = () => [undefined, null, 0, 1, 5, -1, 300, Infinity, -Infinity, 1e12][rnd(10)];
    const key = () => KEYS[rnd(KEYS.length)];
    for (let i = 0; i < 30; i++) {
      const op = OPS[rnd(OPS.length)];
      const k = key();
      const args = {
        set: () => [k, value(), timeout()],
        add: () => [k, value(), timeout()],
        get: () => [k],
        delete: () => [k],
        has: () => [k],
        incr: () => [k, [1, 2, -1, 0][rnd(4)]],
        decr: () => [k, [1, 2, -1, 0][rnd(4)]],
        touch: () => [k, timeout()],
        getMany: () => [[k, key()]],
        deleteMany: () => [[k, key()]],
        setMany: () => [{ [k]: value(), [key()]: value() }, timeout()],
        getOrSet: () => [k, value(), timeout()],
        incrVersion: () => [k],
        decrVersion: () => [k, [1, 2][rnd(2)]],
        getOrSetFactory: () => {
          const v = value();
          return [k, () => v, timeout()];
        },
        hasVersion: () => [k, { version: 2 }],
        deleteVersion: () => [k, { version: 2 }],
        getVersion: () => [k, undefined, { version: 2 }],
        setVersion: () => [k, value(), { timeout: timeout(), version: 2 }],
        clear: () => [],
        advance: () => [],
      }[op]();
      if (op === "advance") {
        clock.t += [1, 2, 5, 400][rnd(4)] * 1000;
        continue;
      }
      const method = { getVersion: "get", setVersion: "set", getOrSetFactory: "getOrSet", hasVersion: "has", deleteVersion: "delete" }[op] ?? op;
      const live = method === "delete" ? shadow.has(...args) : undefined;
      try {
        shadow[method](...args);
      } catch {
        // answered by `sync` below
      }
      let [a, b] = [undefined, undefined];
      try {
        a = sync[method](...args);
      } catch (e) {
        a = `throws ${e.code ?? e.name}`;
      }
      try {
        b = await cache[method](...args);
      } catch (e) {
        b = `throws ${e.code ?? e.name}`;
      }
      if (show(a) === show(b) || (method === "delete" && !live && a === true && b === false)) continue;
      diverged.push(`trial ${trial} (tier ${tier}), step ${i}: ${op}(${show(args)}): MemoryCache ${show(a)}, Cache ${show(b)}`);
    }
  }
  assert.deepEqual(diverged, []);
});
