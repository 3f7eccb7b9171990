// Types of every entry point (node, deno, workerd, browser): the same API everywhere.
import type { DummyCache, MemoryCache } from "./edgecache.js";
import type { Cache } from "./cache.js";

export { MemoryCache, DummyCache, configureCaches, getCache, makeTemplateFragmentKey } from "./edgecache.js";
export { cacheFragment, streamFragments } from "./fragments.js";
export type { FragmentOptions, PagePart } from "./fragments.js";
export { Cache, stores } from "./cache.js";
export { sessions, getSession, Session } from "./sessions.js";
export type { SessionOptions, SessionsWrapper, HonoSessionContext } from "./sessions.js";
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
  GetOrSetOptions,
  EvictReason,
  NamespaceView,
  WarmOptions,
  WarmReport,
} from "./edgecache.js";

/** Django's `cache`: the "default" alias of configureCaches (a MemoryCache when unconfigured). */
export declare const cache: MemoryCache | DummyCache;

import type { CacheKey, CacheValue, GetOrSetOptions, NamespaceView, Timeout, WarmOptions, WarmReport } from "./edgecache.js";

// Methods js/extras.js adds to the generated MemoryCache class.
declare module "./edgecache.js" {
  interface MemoryCache {
    /** Django's getOrSet; with refresh options a factory may be async (a miss then returns a Promise). */
    getOrSet<T extends CacheValue>(key: CacheKey, defaultOrFactory: T | (() => T), options?: Timeout | GetOrSetOptions): T;
    getOrSet<T extends CacheValue>(key: CacheKey, factory: () => Promise<T>, options: GetOrSetOptions): T | Promise<T>;
    /** A view whose keys live in namespace `name`. */
    namespace(name: string): NamespaceView<false>;
    /** Makes every key of namespace `name` unreachable; returns the new token. */
    invalidateNamespace(name: string): string;
    /** Runs loaders `concurrency` at a time and stores what they return. */
    warm(loaders: Record<string, () => CacheValue | Promise<CacheValue>> | Map<CacheKey, () => CacheValue | Promise<CacheValue>>, options?: WarmOptions): Promise<WarmReport>;
  }
}
