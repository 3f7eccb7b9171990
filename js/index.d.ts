// Types of every entry point (node, deno, workerd, browser): the same API everywhere.
import type { DummyCache, MemoryCache } from "./edgecache.js";
import type { Cache } from "./cache.js";
import "./extras.js";

export { MemoryCache, DummyCache, configureCaches, getCache, makeTemplateFragmentKey } from "./edgecache.js";
export { cacheFragment, streamFragments } from "./fragments.js";
export type { FragmentOptions, PagePart } from "./fragments.js";
export { Cache, stores } from "./cache.js";
export { sessions, getSession, Session } from "./sessions.js";
export type { SessionOptions, SessionsWrapper, HonoSessionContext, SessionVariables } from "./sessions.js";
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
export type { FetchHandler, CacheTarget, Directives, PageKeyOptions, CacheMiddlewareOptions, CachePageOptions, CachedHandler, PageEvent, PageEventType, PageEvents } from "./http.js";
export type { CacheOptions, AsyncCacheStats, StoreAdapter, StoreLimits, StorePutOptions, StoreBytes, SqlStore, MemcachedOptions, MemcachedStore, StoreSocket, StorageLike, IDBFactoryLike, DenoKvLike, DenoKvKey } from "./cache.js";
export type * from "./types.js";

/** Django's `cache`: the "default" alias of configureCaches (a MemoryCache when unconfigured). */
export declare const cache: MemoryCache | DummyCache;
