// stores.localStorage(storage?): Web Storage (strings only: records are stored as base64).
import { ensure, hasMethod, knownOptions } from "../errors.js";
import { fromBase64, sameBytes, toBase64 } from "./base64.js";

const IS_BINDING = hasMethod("getItem");

/**
 * A store adapter over `localStorage` (or any Storage, e.g. sessionStorage). Items are
 * `prefix + key` holding `<expiry ms>:<base64 record>`; expired items are removed when met.
 * A full storage (QuotaExceededError) is a store error: the Cache keeps the memory tier's
 * value and reports it. compareAndSwap is atomic within one page or worker, not across tabs.
 * @param {Storage} [storage] default globalThis.localStorage
 * @param {{ prefix?: string, clock?: { now(): number } }} [options] item prefix, default "edgecache:"
 */
export function localStorage(storage = globalThis.localStorage, options = {}) {
  knownOptions(options, ["prefix", "clock"], "stores.localStorage()");
  const { prefix = "edgecache:", clock } = options ?? {};
  ensure(IS_BINDING, storage, "INVALID_STORE", "stores.localStorage() needs a Storage (localStorage is not available here)");
  const now = () => (clock ? clock.now() : Date.now());
  const read = (key) => {
    const item = storage.getItem(prefix + key);
    if (item === null) return null;
    const colon = item.indexOf(":");
    const expires = Number(item.slice(0, colon));
    if (colon > 0 && expires <= now()) {
      storage.removeItem(prefix + key);
      return null;
    }
    return fromBase64(item.slice(colon + 1));
  };
  const write = (key, value, ttl) => {
    const expires = ttl === undefined ? "Infinity" : String(now() + ttl * 1000);
    storage.setItem(prefix + key, `${expires}:${toBase64(value)}`);
  };
  return {
    name: "localStorage",
    // Browsers give an origin about 5 MiB of UTF-16 text.
    limits: { maxKeyBytes: 2048, maxValueBytes: 2 * 1024 * 1024, minTtl: 0 },
    async get(key) {
      return read(key);
    },
    async put(key, value, { ttl } = {}) {
      write(key, value, ttl);
    },
    async delete(key) {
      const had = storage.getItem(prefix + key) !== null;
      storage.removeItem(prefix + key);
      return had;
    },
    async *list(keyPrefix) {
      const keys = [];
      for (let i = 0; i < storage.length; i++) {
        const name = storage.key(i);
        if (name !== null && name.startsWith(prefix + keyPrefix)) keys.push(name.slice(prefix.length));
      }
      yield* keys;
    },
    async compareAndSwap(key, expected, value, { ttl } = {}) {
      if (!sameBytes(read(key), expected)) return false;
      write(key, value, ttl);
      return true;
    },
  };
}
