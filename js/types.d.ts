// The option, value and stats types every entry exports, from the generated bindings.
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
