// stores.cacheStorage(cache): the Cache API (caches.default or caches.open(name) in
// Workers, CacheStorage in pages and service workers).
import { ensure, hasMethod, knownOptions } from "../errors.js";

const IS_BINDING = hasMethod("match");

const ORIGIN = "https://edgecache.invalid/";
const EXPIRES = "x-edgecache-expires";

/**
 * A store adapter over a `Cache` from the Cache API. Each key is a GET request to a
 * private URL; the record is the body, with `Cache-Control: max-age` (honoured by Workers)
 * and an expiry header (checked here, since browsers keep entries until deleted).
 * Per data center in Workers (no replication); `list` needs `cache.keys()` (browsers only).
 * @param {Cache} cache
 * @param {{ clock?: { now(): number } }} [options]
 */
export function cacheStorage(cache, options = {}) {
  knownOptions(options, ["clock"], "stores.cacheStorage()");
  const { clock } = options ?? {};
  ensure(IS_BINDING, cache, "INVALID_STORE", "stores.cacheStorage() needs a Cache (await caches.open(name) or caches.default)");
  const now = () => (clock ? clock.now() : Date.now());
  const url = (key) => ORIGIN + encodeURIComponent(key);
  const adapter = {
    name: "cacheStorage",
    limits: { maxKeyBytes: 2048, maxValueBytes: 64 * 1024 * 1024, minTtl: 0 },
    async get(key) {
      const response = await cache.match(url(key));
      if (!response) return null;
      if (Number(response.headers.get(EXPIRES) ?? "Infinity") <= now()) {
        await response.body?.cancel();
        await cache.delete(url(key));
        return null;
      }
      return new Uint8Array(await response.arrayBuffer());
    },
    async put(key, value, { ttl } = {}) {
      const headers = { "content-type": "application/octet-stream" };
      headers["cache-control"] = ttl === undefined ? "max-age=31536000" : `max-age=${ttl}`;
      headers[EXPIRES] = ttl === undefined ? "Infinity" : String(now() + ttl * 1000);
      await cache.put(url(key), new Response(value, { headers }));
    },
    async delete(key) {
      return cache.delete(url(key));
    },
  };
  // workerd's Cache has keys() but throws "not implemented": list only where it works.
  if (typeof cache.keys === "function" && globalThis.navigator?.userAgent !== "Cloudflare-Workers") {
    adapter.list = async function* list(prefix) {
      for (const request of await cache.keys()) {
        if (!request.url.startsWith(ORIGIN)) continue;
        let key;
        try {
          key = decodeURIComponent(request.url.slice(ORIGIN.length));
        } catch {
          continue; // not a URL this adapter made (a malformed escape): not this cache's key
        }
        if (key.startsWith(prefix)) yield key;
      }
    };
  }
  return adapter;
}
