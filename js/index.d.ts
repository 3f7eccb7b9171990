// Types of every entry point (node, deno, workerd, browser): the same API everywhere.
import type { DummyCache, MemoryCache } from "./edgecache.js";
import type { Cache } from "./cache.js";

export { MemoryCache, DummyCache, configureCaches, getCache } from "./edgecache.js";
export { Cache, stores } from "./cache.js";
export {
  cachePage,
  cacheMiddleware,
  patchCacheControl,
  getMaxAge,
  patchResponseHeaders,
  addNeverCacheHeaders,
  patchVaryHeaders,
  hasVaryHeader,
  getCacheKey,
  learnCacheKey,
  honoCache,
} from "./http.js";
export type { FetchHandler, CacheTarget, Directives, PageKeyOptions, CacheMiddlewareOptions, CachePageOptions } from "./http.js";
export type { CacheOptions, AsyncCacheStats, StoreAdapter, StoreLimits, StorePutOptions, StoreBytes, SqlStore } from "./cache.js";
export type {
  CacheKey,
  CacheValue,
  Timeout,
  KeyOptions,
  WriteOptions,
  TimeoutOrOptions,
  MemoryCacheOptions,
  CacheStats,
  CacheEntry,
  CacheSettings,
  CachesConfig,
} from "./edgecache.js";

/** Django's `cache`: the "default" alias of configureCaches (a MemoryCache when unconfigured). */
export declare const cache: MemoryCache | DummyCache;
