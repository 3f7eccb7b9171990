// stores.memory(): a Map, for tests and examples (it lives and dies with the isolate).
import { knownOptions } from "../errors.js";
import { sameBytes } from "./base64.js";

/**
 * A store adapter over a plain Map. `clock`: `{ now(): ms }` for physical expiry (tests).
 * @param {{ clock?: { now(): number } }} [options]
 */
export function memory(options = {}) {
  knownOptions(options, ["clock"], "stores.memory()");
  const { clock } = options ?? {};
  const map = new Map();
  const now = () => (clock ? clock.now() : Date.now());
  const live = (key) => {
    const entry = map.get(key);
    if (entry === undefined) return null;
    if (entry.expires <= now()) {
      map.delete(key);
      return null;
    }
    return entry.value;
  };
  const write = (key, value, ttl) => {
    map.set(key, { value: value.slice(), expires: ttl === undefined ? Infinity : now() + ttl * 1000 });
  };
  return {
    name: "memory",
    limits: { maxKeyBytes: 4096, maxValueBytes: 16 * 1024 * 1024, minTtl: 0 },
    map,
    async get(key) {
      return live(key)?.slice() ?? null;
    },
    async put(key, value, { ttl } = {}) {
      write(key, value, ttl);
    },
    async delete(key) {
      return live(key) !== null && map.delete(key);
    },
    async *list(prefix) {
      for (const key of [...map.keys()]) if (key.startsWith(prefix)) yield key;
    },
    async compareAndSwap(key, expected, value, { ttl } = {}) {
      if (!sameBytes(live(key), expected)) return false;
      write(key, value, ttl);
      return true;
    },
  };
}
