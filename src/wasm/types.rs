//! TypeScript declarations that wasm-bindgen cannot derive from Rust signatures.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** A cache key: a string, or a number (printed as Python's str() would: 5 -> "5"). */
export type CacheKey = string | number;

/**
 * A value the cache can copy: strings, numbers (-0, NaN, Infinity included), bigint, booleans,
 * null, Date, ArrayBuffer, typed arrays, DataView, and arrays, plain objects, Map and Set of
 * these, nested. Functions, symbols, class instances and cycles throw a TypeError
 * (code UNSERIALIZABLE_VALUE); undefined is only allowed nested (it is what a miss returns).
 */
export type CacheValue = string | number | bigint | boolean | null | CacheObject;

/**
 * An object the cache may copy, as far as types can tell: any object but a function or a
 * Promise (what a forgotten await gives), told apart by the members they have and values do
 * not. (The second form takes object literals, which the first would check for excess keys.)
 */
export type CacheObject =
  | (object & { readonly then?: never; readonly call?: never; readonly apply?: never; readonly bind?: never })
  | { readonly [key: string]: unknown; readonly then?: never };

/** A timeout in seconds (fractions allowed); null = never expires; 0 or less = already expired. */
export type Timeout = number | null;

/** Per-call options of reads and deletes. */
export interface KeyOptions {
  /** Key version for this call; default: the cache's `version`. */
  version?: number;
}

/** Per-call options of writes. */
export interface WriteOptions extends KeyOptions {
  /** Seconds; omitted = the cache's default timeout; null = never expires. */
  timeout?: Timeout;
  /** Tags for invalidateTags: at most 16, each 1-128 bytes of UTF-8. Default none. */
  tags?: readonly string[];
  /** Seconds after the timeout that getOrSet may still serve the value while one refresh runs. Default 0. */
  staleWhileRevalidate?: number;
  /** Seconds after the timeout that getOrSet serves the value when its factory fails. Default 0. */
  staleIfError?: number;
  /** Seconds the value took to compute (getOrSet measures it); weighs XFetch early refresh. Default 0. */
  computeTime?: number;
}

/** getOrSet's options: a write's, plus early refresh and where background refreshes go. */
export interface GetOrSetOptions extends WriteOptions {
  /** XFetch early refresh: refresh before expiry with probability exp(-remaining / (computeTime * beta)). 1 is the paper's optimum; omitted = off. */
  beta?: number;
  /** Receives each background refresh (e.g. ctx.waitUntil), or an object with waitUntil (an ExecutionContext). */
  waitUntil?: ((promise: Promise<unknown>) => void) | { waitUntil(promise: Promise<unknown>): void };
  /** A fleet-wide lease (async Cache only): on a miss or a due refresh, one instance takes a lease in the store and computes; the others wait for its value (or serve a stale one). `true` = `{ ttl: 10, wait: 5 }`. Default off. */
  lock?: boolean | LockOptions;
}

/** getOrSet's `lock`: seconds a lease lives, and seconds others wait for its holder's value. */
export interface LockOptions {
  /** Seconds the lease lives: a holder that dies frees the key after this (above 0, at most 86400). Default 10. */
  ttl?: number;
  /** Seconds a waiter polls the store for the holder's value before computing it itself (0-86400). Default 5. */
  wait?: number;
}

/** Why onEvict was called. */
export type EvictReason = "evict" | "expire" | "delete" | "set" | "clear" | "invalidate";

/** What warm() stored and what failed. */
export interface WarmReport {
  stored: CacheKey[];
  failed: { key: CacheKey; error: unknown }[];
}

/** Options of warm(): the writes' options plus how many loaders run at once (default 4). */
export interface WarmOptions extends WriteOptions {
  /** Loaders running at once. Default 4. */
  concurrency?: number;
  /** Called as each loader settles, with the counts so far; what it throws is reported to console.error, never rethrown. */
  onProgress?: (progress: WarmProgress) => void;
}

/** What MemoryCache emits (MemoryCache.on). */
export type MemoryCacheEventType = "hit" | "miss" | "stale" | "refresh" | "refreshed" | "evict";
/** What the async Cache emits (Cache.on). */
export type CacheEventType = MemoryCacheEventType | "storeError" | "corrupt" | "leaseAcquired" | "leaseWaited" | "leaseTimeout";

/** One event of a cache. */
export interface CacheEvent<Type extends string = CacheEventType> {
  type: Type;
  /** The cache's name (option `name`, the registry alias, or "default"). */
  cache: string;
  /** The made key (prefix, version and key). */
  key: string;
  /** Milliseconds: a read's lookup (hit, miss), a refresh (refreshed), a store call (storeError), a lease wait (leaseAcquired, leaseWaited, leaseTimeout). */
  duration?: number;
  /** The store operation (storeError, corrupt). */
  op?: string;
  /** What failed (storeError, corrupt, refreshed after a failed refresh). */
  error?: unknown;
  /** Why an entry left (evict). */
  reason?: EvictReason;
}

/** One settled loader of warm(), and the counts so far. */
export interface WarmProgress {
  key: CacheKey;
  /** True when the value was stored. */
  ok: boolean;
  /** What the loader or the write threw (when not ok). */
  error?: unknown;
  /** Loaders settled so far, of `total`. */
  done: number;
  total: number;
  stored: number;
  failed: number;
}

/** A view of a cache whose keys live in one namespace (see namespace()). */
export interface NamespaceView<Async extends boolean> {
  readonly name: string;
  get<T extends CacheValue = CacheValue>(key: CacheKey, defaultValue?: T, options?: KeyOptions): Async extends true ? Promise<T | undefined> : T | undefined;
  set(key: CacheKey, value: CacheValue, timeout?: TimeoutOrOptions): Async extends true ? Promise<void> : void;
  add(key: CacheKey, value: CacheValue, timeout?: TimeoutOrOptions): Async extends true ? Promise<boolean> : boolean;
  getOrSet<T extends CacheValue>(key: CacheKey, defaultOrFactory: T | (() => T), options?: Timeout | GetOrSetOptions): Async extends true ? Promise<T> : T;
  getMany<T extends CacheValue = CacheValue>(keys: Iterable<CacheKey>, options?: KeyOptions): Async extends true ? Promise<Map<CacheKey, T>> : Map<CacheKey, T>;
  setMany(entries: Map<CacheKey, CacheValue> | Record<string, CacheValue> | Iterable<readonly [CacheKey, CacheValue]>, timeout?: TimeoutOrOptions): Async extends true ? Promise<CacheKey[]> : CacheKey[];
  delete(key: CacheKey, options?: KeyOptions): Async extends true ? Promise<boolean> : boolean;
  deleteMany(keys: Iterable<CacheKey>, options?: KeyOptions): Async extends true ? Promise<void> : void;
  has(key: CacheKey, options?: KeyOptions): Async extends true ? Promise<boolean> : boolean;
  touch(key: CacheKey, timeout?: TimeoutOrOptions): Async extends true ? Promise<boolean> : boolean;
  incr(key: CacheKey, delta?: number | bigint, options?: KeyOptions): Async extends true ? Promise<number | bigint> : number | bigint;
  decr(key: CacheKey, delta?: number | bigint, options?: KeyOptions): Async extends true ? Promise<number | bigint> : number | bigint;
  /** The namespace's current token. */
  token(): Async extends true ? Promise<string> : string;
  /** Makes every key of the namespace unreachable (invalidateNamespace). */
  clear(): Async extends true ? Promise<void> : void;
}

/** A timeout, or `{ timeout, version }`. */
export type TimeoutOrOptions = Timeout | WriteOptions;

/** Options of MemoryCache and DummyCache (Django's CACHES settings). */
export interface MemoryCacheOptions {
  /** Default timeout in seconds. Default 300; null = never expires; 0 = expire at once. */
  timeout?: Timeout;
  /** Culling starts when the store holds this many entries. Default 300. */
  maxEntries?: number;
  /** Byte budget: accounted bytes (key + value + 40 per entry, see README) never exceed it. Default none. */
  maxBytes?: number;
  /** A cull removes 1/cullFrequency of the entries, least recently used first; 0 = clear all. Default 3. Only with policy "lru". */
  cullFrequency?: number;
  /** Which entry a full cache gives up: "lru" (Django's culling) or "adaptive" (W-TinyLFU: frequency-aware, one entry at a time, more hits on real traces; 8 bytes per maxEntries for its sketch). Default "lru". */
  policy?: "lru" | "adaptive";
  /** Prefix of every made key. Default "". */
  keyPrefix?: string;
  /** Default key version. Default 1. */
  version?: number;
  /** Makes the stored key; default `${keyPrefix}:${version}:${key}`. */
  keyFunction?: (key: string, keyPrefix: string, version: number) => string;
  /** Caches with the same location share one store (each keeps its own options). Default: a private store. */
  location?: string;
  /** The name events carry (`event.cache`). Default: the registry alias, else `location`, else "default". */
  name?: string;
  /** Receives Django's key warnings (keys over 250 characters or with control characters). Default console.warn. */
  onWarning?: (message: string) => void;
  /** Throw InvalidCacheKey instead of warning. Default false. */
  strictKeys?: boolean;
  /** The time source: now() in milliseconds, like Date.now(). Default Date. */
  clock?: { now(): number };
  /** Spreads each write's timeout uniformly by ±jitter (0.1 = ±10%), so keys written together do not expire together. Default 0. */
  jitter?: number;
  /** Seed of the random source of jitter and XFetch (for reproducible tests). Default: from the OS. */
  seed?: number;
  /** Called with the stored key and the reason for every entry this cache removes, in a microtask after the call that removed it. */
  onEvict?: (key: string, reason: EvictReason) => void;
}

/** Counters since creation, and occupancy. */
export interface CacheStats {
  hits: number;
  misses: number;
  sets: number;
  adds: number;
  deletes: number;
  /** Entries removed to make room: culls and byte-budget evictions. */
  evictions: number;
  /** Expired entries removed when a read met them. */
  expirations: number;
  /** Writes refused because one entry exceeds maxBytes. */
  rejected: number;
  /** Entries removed by invalidateTags. */
  invalidations: number;
  /** Entries in the store, expired ones included until met. */
  entries: number;
  /** Accounted bytes in the store: key + value + a fixed per-entry overhead. */
  bytes: number;
  maxBytes: number | null;
  /** hits / (hits + misses); 0 before any read. */
  hitRatio: number;
  /** `policy: "adaptive"`: the admission window's share of the capacity (0.01-0.95), as the policy's simulations chose it; null under LRU. */
  window: number | null;
  /** Times onEvict threw (each reported to console.error; MemoryCache only). */
  hookErrors?: number;
}

/** One stored entry, as `entries()` lists them (most recently used first). */
export interface CacheEntry {
  key: string;
  /** Seconds left; null = never expires; 0 or less = expired, not yet removed. */
  ttl: number | null;
  bytes: number;
  value: CacheValue;
}

/** Django's CACHES: aliases to settings; `default` is required. */
export type CachesConfig = { default: CacheSettings } & Record<string, CacheSettings>;
"#;

// The settings of one alias: `backend: "kv"` (an async Cache) exists in the full build only.
#[cfg(feature = "full")]
#[wasm_bindgen(typescript_custom_section)]
const CACHE_SETTINGS: &str = r#"
/** One alias of configureCaches: MemoryCache/DummyCache options, or an async Cache over a store. */
export type CacheSettings =
  | (MemoryCacheOptions & { /** Default "memory". */ backend?: "memory" | "dummy" })
  | (import("./cache.js").CacheOptions & { backend: "kv" });
"#;

#[cfg(not(feature = "full"))]
#[wasm_bindgen(typescript_custom_section)]
const CACHE_SETTINGS: &str = r#"
/** One alias of configureCaches: MemoryCache/DummyCache options (`backend: "kv"` needs "edgecache"). */
export type CacheSettings = MemoryCacheOptions & { /** Default "memory". */ backend?: "memory" | "dummy" };
"#;
