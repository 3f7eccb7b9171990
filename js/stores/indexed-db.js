// stores.indexedDB(name): IndexedDB, for pages and workers; transactions make
// compareAndSwap atomic across tabs of the origin.
import { knownOptions, typeError } from "../errors.js";
import { sameBytes } from "./base64.js";

const STORE = "records";

const done = (request) =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

const committed = (tx) =>
  new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
  });

/**
 * A store adapter over an IndexedDB database `name` (object store "records", rows
 * `{ value, expires }` keyed by the store key). Expired rows are removed when met.
 * @param {string} [name] default "edgecache"
 * @param {{ indexedDB?: IDBFactory, clock?: { now(): number } }} [options]
 */
export function indexedDB(name = "edgecache", options = {}) {
  knownOptions(options, ["indexedDB", "clock"], "stores.indexedDB()");
  const { indexedDB: factory = globalThis.indexedDB, clock } = options ?? {};
  if (!factory || typeof factory.open !== "function") {
    throw typeError("INVALID_STORE", "stores.indexedDB() needs IndexedDB (not available in this runtime)");
  }
  const now = () => (clock ? clock.now() : Date.now());
  let opened;
  const db = () =>
    (opened ??= new Promise((resolve, reject) => {
      const request = factory.open(name, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    }));
  const row = (value, ttl) => ({ value, expires: ttl === undefined ? Infinity : now() + ttl * 1000 });

  /** Reads `keys` in one transaction, removing expired rows (readwrite for that). */
  async function readMany(keys) {
    const tx = (await db()).transaction(STORE, "readwrite");
    const store = tx.objectStore(STORE);
    const rows = await Promise.all(keys.map((k) => done(store.get(k))));
    const t = now();
    const out = rows.map((r, i) => {
      if (r === undefined) return null;
      if (r.expires <= t) {
        store.delete(keys[i]);
        return null;
      }
      return r.value;
    });
    await committed(tx);
    return out;
  }

  return {
    name: "indexedDB",
    limits: { maxKeyBytes: 4096, maxValueBytes: 64 * 1024 * 1024, minTtl: 0 },
    async get(key) {
      return (await readMany([key]))[0];
    },
    getMany: readMany,
    async put(key, value, { ttl } = {}) {
      const tx = (await db()).transaction(STORE, "readwrite");
      tx.objectStore(STORE).put(row(value, ttl), key);
      await committed(tx);
    },
    async delete(key) {
      const tx = (await db()).transaction(STORE, "readwrite");
      const store = tx.objectStore(STORE);
      const had = (await done(store.count(key))) > 0;
      store.delete(key);
      await committed(tx);
      return had;
    },
    async *list(prefix) {
      const tx = (await db()).transaction(STORE, "readonly");
      const keys = await done(tx.objectStore(STORE).getAllKeys());
      yield* keys.filter((k) => typeof k === "string" && k.startsWith(prefix));
    },
    async compareAndSwap(key, expected, value, { ttl } = {}) {
      const tx = (await db()).transaction(STORE, "readwrite");
      const store = tx.objectStore(STORE);
      const current = await done(store.get(key));
      const live = current !== undefined && current.expires > now() ? current.value : null;
      const swap = sameBytes(live, expected);
      if (swap) store.put(row(value, ttl), key);
      await committed(tx);
      return swap;
    },
    /** Closes the database connection. */
    async close() {
      if (opened) (await opened).close();
      opened = undefined;
    },
  };
}
