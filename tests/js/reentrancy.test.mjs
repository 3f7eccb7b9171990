// Re-entrancy: a value's getters run while the cache encodes it, and may use this cache or
// another (set, get, delete, setMany, getMany). Seeded random values with such getters, nested
// two deep, are set; every key must then hold exactly the value last set under it (the getters'
// answers as they gave them), and no key may appear that was not set. Found: an object set whose
// getter set an object stored the outer value under the inner key. Key functions and warning
// hooks that use the caches are checked the same way.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryCache, Cache, stores } from "../../pkg/node.js";

const KEYS = ["a", "b", "é", "long".repeat(20), "k1"];

/** A seeded generator of values whose getters call `act(op, key, inner)` and record what they return. */
function generator(seed) {
  const rnd = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const make = (depth, act) => {
    const kind = rnd(depth > 0 ? 6 : 4);
    if (kind === 0) return `s${rnd(100)}`;
    if (kind === 1) return rnd(1000);
    if (kind === 2) return { plain: rnd(10), list: [rnd(5), "x"] };
    if (kind === 3) return new Uint8Array([rnd(255), 1, 2]);
    const [op, key, inner, answer] = [rnd(5), KEYS[rnd(KEYS.length)], make(depth - 1, act), rnd(100)];
    const value = { before: rnd(10) };
    Object.defineProperty(value, "g", {
      enumerable: true,
      get() {
        act(op, key, inner);
        return answer;
      },
    });
    value.after = "tail";
    // What the cache should hold: the getter's answer in its place.
    Object.defineProperty(value, "expected", { value: { before: value.before, g: answer, after: "tail" } });
    return value;
  };
  return { rnd, make };
}

/** What a value should read back as (a getter's answer in its place). */
const expected = (v) => (v !== null && typeof v === "object" && "expected" in v ? v.expected : v);

test("MemoryCache: getters that use the caches while a value is set leave every key with what was set under it", () => {
  for (let trial = 0; trial < 1000; trial++) {
    const { rnd, make } = generator(trial + 1);
    const caches = [new MemoryCache({ timeout: null }), new MemoryCache({ timeout: null })];
    const models = [new Map(), new Map()];
    const set = (ci, key, value) => {
      caches[ci].set(key, value);
      models[ci].set(key, value); // after the set: a getter's own set of this key came first
    };
    const act = (op, key, inner) => {
      const ci = rnd(2);
      if (op === 0) set(ci, key, inner);
      else if (op === 1) caches[ci].get(key);
      else if (op === 2) {
        caches[ci].delete(key);
        models[ci].delete(key);
      } else if (op === 3) {
        caches[ci].setMany({ [key]: inner });
        models[ci].set(key, inner);
      } else caches[ci].getMany([key, "absent"]);
    };
    for (let i = rnd(6) + 1; i > 0; i--) set(rnd(2), KEYS[rnd(KEYS.length)], make(2, act));
    for (const ci of [0, 1]) {
      for (const key of KEYS) {
        const got = caches[ci].get(key);
        if (models[ci].has(key)) assert.deepEqual(got, expected(models[ci].get(key)), `trial ${trial}, cache ${ci}, key ${key}`);
        else assert.equal(got, undefined, `trial ${trial}, cache ${ci}: ${key} was not set`);
      }
    }
  }
});

test("Cache: getters that use the caches while a value is set leave the tier and the store with what was set", async () => {
  for (let trial = 0; trial < 300; trial++) {
    const { rnd, make } = generator(trial + 1);
    const backing = [stores.memory(), stores.memory()];
    const caches = backing.map((store) => new Cache({ store, memory: { maxEntries: 100 }, timeout: null }));
    const readers = backing.map((store) => new Cache({ store, memory: false, timeout: null }));
    const sync = new MemoryCache({ timeout: null });
    const models = [new Map(), new Map()];
    const pending = [];
    const set = (ci, key, value) => {
      pending.push(caches[ci].set(key, value));
      models[ci].set(key, value);
    };
    const act = (op, key, inner) => {
      const ci = rnd(2);
      if (op === 0) set(ci, key, inner);
      else if (op === 1) pending.push(caches[ci].get(key));
      else if (op === 2) {
        pending.push(caches[ci].delete(key));
        models[ci].delete(key);
      } else if (op === 3) sync.set(key, inner);
      else pending.push(caches[ci].getMany([key, "absent"]));
    };
    for (let i = rnd(5) + 1; i > 0; i--) set(rnd(2), KEYS[rnd(KEYS.length)], make(2, act));
    await Promise.all(pending);
    for (const ci of [0, 1]) {
      for (const key of KEYS) {
        const want = models[ci].has(key) ? expected(models[ci].get(key)) : undefined;
        assert.deepEqual(await caches[ci].get(key), want, `trial ${trial}, tier ${ci}, key ${key}`);
        assert.deepEqual(await readers[ci].get(key), want, `trial ${trial}, store ${ci}, key ${key}`);
      }
    }
  }
});

test("MemoryCache: key functions and warning hooks that use the caches mid-call: every answer is what a model of the calls says", () => {
  // The hooks run inside a call, before it reads or writes: their own calls (a depth of one)
  // complete first, so a model that applies each call when it returns predicts every answer.
  const KEYS = ["a b", "b", "é", "k".repeat(300), "c"]; // a space and a long key draw warnings
  for (const hook of ["keyFunction", "onWarning"]) {
    for (let trial = 0; trial < 400; trial++) {
      const { rnd } = generator(trial + 7);
      const models = [new Map(), new Map()];
      const caches = [];
      let depth = 0;
      const reenter = () => {
        if (depth === 0 && rnd(3) === 0) {
          depth++;
          try {
            op(rnd(2));
          } finally {
            depth--;
          }
        }
      };
      const options = hook === "keyFunction"
        ? { keyFunction: (key, prefix, version) => (reenter(), `${prefix}:${version}:${key}`) }
        : { onWarning: reenter };
      caches.push(new MemoryCache({ timeout: null, ...options }), new MemoryCache({ timeout: null, ...options }));
      const value = () => [`s${rnd(50)}`, { n: rnd(9), t: "x".repeat(rnd(20)) }, rnd(100), [rnd(3), "y"]][rnd(4)];
      const where = (ci, key) => `${hook}, trial ${trial}, cache ${ci}, key ${key}`;
      function op(ci) {
        const [c, m, key] = [caches[ci], models[ci], KEYS[rnd(KEYS.length)]];
        const kind = rnd(6);
        if (kind <= 1) {
          const v = value();
          c.set(key, v);
          m.set(key, v);
        } else if (kind === 2) assert.deepEqual(c.get(key), m.get(key), where(ci, key));
        else if (kind === 3) {
          assert.equal(c.delete(key), m.has(key), where(ci, key));
          m.delete(key);
        } else if (kind === 4) {
          const v = value();
          const added = c.add(key, v);
          assert.equal(added, !m.has(key), where(ci, key));
          if (added) m.set(key, v);
        } else assert.deepEqual([...c.getMany([key, "absent"])], m.has(key) ? [[key, m.get(key)]] : [], where(ci, key));
      }
      for (let i = 0; i < 12; i++) op(rnd(2));
      for (const ci of [0, 1]) for (const key of KEYS) assert.deepEqual(caches[ci].get(key), models[ci].get(key), where(ci, key));
    }
  }
});
