// Types of every entry point (node, deno, workerd, browser): the same API everywhere.
import type { DummyCache, MemoryCache } from "./edgecache.js";

export { MemoryCache, DummyCache, configureCaches, getCache } from "./edgecache.js";
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
