// Types of the async Cache and the store adapters (js/cache.js, js/stores/).
import type {
  CacheEvent,
  CacheEventType,
  CacheKey,
  CacheValue,
  KeyOptions,
  MemoryCache,
  MemoryCacheOptions,
  TimeoutOrOptions,
  CacheStats,
  EvictReason,
  GetOrSetOptions,
  NamespaceView,
  Timeout,
  WarmOptions,
  WarmReport,
} from "./edgecache.js";

/** Bytes as a store returns them. */
export type StoreBytes = Uint8Array | ArrayBuffer;

/** What a store accepts; the Cache shortens keys, chunks values and raises TTLs to fit. */
export interface StoreLimits {
  /** Longest key in UTF-8 bytes (Workers KV 512). Default 512. */
  maxKeyBytes?: number;
  /** Largest value in bytes; bigger values are chunked (Deno KV 65,000). Default 25 MiB. */
  maxValueBytes?: number;
  /** Shortest TTL the store takes, seconds (Workers KV 60). Default 0. */
  minTtl?: number;
}

/** Options of a store write. */
export interface StorePutOptions {
  /** Physical TTL in whole seconds; absent = never expires. */
  ttl?: number;
  /**
   * Keep the key's current TTL (only with `format: "django"`, for an incr: Django's bytes carry
   * no expiry). stores.redis writes with KEEPTTL; stores.memcached reuses the TTL its
   * compare-and-swap read returned.
   */
  keepTtl?: boolean;
}

/**
 * A KV store adapter: any object with get, put and delete. The optional methods make
 * operations cheaper (getMany), possible (list, for clear()) or atomic (compareAndSwap,
 * for add/incr/decr/touch across instances).
 */
export interface StoreAdapter {
  /** The record under `key`, or null. */
  get(key: string): Promise<StoreBytes | null | undefined>;
  /** Writes `value` under `key`. */
  put(key: string, value: Uint8Array, options: StorePutOptions): Promise<unknown>;
  /** Removes `key`; resolves false when it was absent (anything else counts as removed). */
  delete(key: string): Promise<boolean | void>;
  /** The records of `keys`, in order (null for absent keys): an array of exactly `keys.length`; any other answer is a store error (code STORE_PROTOCOL). */
  getMany?(keys: string[]): Promise<Array<StoreBytes | null | undefined>>;
  /** The keys starting with `prefix`. */
  list?(prefix: string): AsyncIterable<string>;
  /** Empties the whole store: what clear() does on a store without `list` (memcached with `flushOnClear`). */
  flush?(): Promise<unknown>;
  /**
   * Writes `value` only if `key` holds `expected` (null: only if absent). Must resolve the
   * boolean `true` (written) or `false` (the current value differed); anything else (a
   * driver's `1` or `"OK"`) is a store error (code STORE_PROTOCOL) and the write counts as failed.
   */
  compareAndSwap?(key: string, expected: Uint8Array | null, value: Uint8Array, options: StorePutOptions): Promise<boolean>;
  /**
   * The seconds each key has left (Infinity: no expiry; undefined: absent). Read beside each store
   * read in `format: "django"` (whose values carry no expiry), so the memory tier never serves
   * a value past it; stores.redis (PTTL) and stores.memcached (`mg <key> t`) have it.
   */
  ttls?(keys: string[]): Promise<Array<number | undefined>>;
  /** The store's limits. */
  limits?: StoreLimits;
}

/** A socket for stores.memcached: `write` bytes; `data` and `closed` are called as it reads. */
export interface StoreSocket {
  write(bytes: Uint8Array): unknown;
  close(): void;
}

/** Options of stores.memcached. */
export interface MemcachedOptions {
  /** Opens a socket (default: the runtime's: node:net, Deno.connect, cloudflare:sockets). */
  connect?: (address: { host: string; port: number }, handlers: { data(bytes: Uint8Array): void; closed(error: Error): void }) => Promise<StoreSocket>;
  /** Seconds a server may take to answer before it counts as down. Default 1. */
  timeout?: number;
  /** Seconds a failed server is left out (its keys go to the others), doubled after each failure in a row. Default 10. */
  deadTimeout?: number;
  /** The most seconds a server that keeps failing is left out; one answer brings it back to deadTimeout. Default 60. */
  maxDeadTimeout?: number;
  /** The largest item in bytes (memcached's -I, less 1 KiB for the key and header). Default 1,047,552. */
  maxValueBytes?: number;
  /** Lets clear() run `flush_all` on every server: it empties them for every cache. Default false. */
  flushOnClear?: boolean;
}

/** The memcached store adapter: its counters and `close()`. */
export interface MemcachedStore extends StoreAdapter {
  /**
   * Keys routed while a server was left out (`failovers`), servers found down (`deadServers`),
   * and servers whose part of a getMany failed and read as misses (`errors`).
   */
  stats(): { failovers: number; deadServers: number; errors: number };
  /** Closes every connection (they are reused until then). */
  close(): void;
}

/** Options of the async Cache. */
export interface CacheOptions {
  /** The KV store adapter (see `stores`). Required. */
  store: StoreAdapter;
  /** The name events carry (`event.cache`). Default: the registry alias, else `keyPrefix`, else "default". */
  name?: string;
  /** The memory tier: MemoryCache options (default `{ maxEntries: 1000 }`), a MemoryCache, or false for none. */
  memory?: MemoryCacheOptions | MemoryCache | false;
  /** Seconds a store read stays in the memory tier at most (how stale another instance's write can look). Default 60. */
  localTimeout?: number;
  /** Default timeout in seconds. Default 300; null = never expires. */
  timeout?: number | null;
  /** Prefix of every made key. Default "". */
  keyPrefix?: string;
  /** Default key version. Default 1. */
  version?: number;
  /** Makes the stored key; default `${keyPrefix}:${version}:${key}`. */
  keyFunction?: (key: string, keyPrefix: string, version: number) => string;
  /** Receives Django's key warnings. Default console.warn. */
  onWarning?: (message: string) => void;
  /** Throw InvalidCacheKey instead of warning. Default false. */
  strictKeys?: boolean;
  /** Receives every store failure and corrupt record (they read as misses). */
  onError?: (error: unknown, context: { op: string; key: string }) => void;
  /**
   * "django": the store (stores.redis or stores.memcached only) holds what Django's own
   * RedisCache / PyMemcacheCache keep there (ints as text, other values pickled; memcached's
   * client flags), so a Django site and this cache share entries. No tags, serve-stale
   * windows, chunking or checksums in this format. "django-json": django-redis with its
   * JSONSerializer (ints as text, other values as JSON; stores.redis only). Default:
   * edgecache's records.
   */
  format?: "django" | "django-json";
  /** Seconds before a store call counts as failed (code STORE_TIMEOUT). Default 1. */
  storeTimeout?: number;
  /** Throw store errors instead of reading them as misses. Default false. */
  strict?: boolean;
  /** Deflate records of at least `threshold` bytes (default 1024) at `level` 0-10 (default 6). Default off. */
  compress?: boolean | { threshold?: number; level?: number };
  /** Split values over the store's limit into chunks; false refuses them (VALUE_TOO_LARGE). Default true. */
  chunking?: boolean;
  /** The time source: now() in milliseconds. Default Date. */
  clock?: { now(): number };
  /** Spreads each write's timeout by ±jitter (0.1 = ±10%). Default 0. */
  jitter?: number;
  /** Seed of jitter and XFetch randomness (tests). Default: from the OS. */
  seed?: number;
  /** Called for each key this instance deletes ("delete"), once per clear with the key prefix ("clear"), and for each record a read finds invalidated ("invalidate"). */
  onEvict?: (key: string, reason: EvictReason) => void;
}

/** Stats of an async Cache. */
export interface AsyncCacheStats {
  hits: number;
  misses: number;
  /** Keys read from the store (chunks included). */
  storeReads: number;
  storeHits: number;
  storeMisses: number;
  /** Records written to the store (chunks included). */
  storeWrites: number;
  /** Store calls that threw, rejected or timed out. */
  storeErrors: number;
  /** Records that failed their checks (corrupt, truncated, foreign, or written under another key): read as misses. */
  corruptRecords: number;
  /** Times onError or onEvict threw (each reported to console.error, never rethrown). */
  hookErrors: number;
  /** Records read that a tag invalidation had made misses. */
  invalidated: number;
  /** Stale values served (staleWhileRevalidate, staleIfError). */
  staleServed: number;
  /** Background refreshes started (serve-stale and XFetch). */
  refreshes: number;
  /** Leases this instance took (getOrSet's `lock`): it computed the value for the fleet. */
  leasesAcquired: number;
  /** getOrSet calls that found another instance's lease and waited for its value. */
  leaseWaits: number;
  /** Waits that outlasted `lock.wait`: this instance computed the value itself. */
  leaseTimeouts: number;
  /** hits / (hits + misses). A stale value served counts as a miss (it was due a refresh) and in `staleServed`. */
  hitRatio: number;
  /** The memory tier's stats, or null without one. */
  memory: CacheStats | null;
}

/** Django's cache API, async, over a KV store with a memory tier in front. */
export declare class Cache {
  constructor(options: CacheOptions);
  /** The name events carry. */
  readonly name: string;
  /** Calls `listener` on each event of `type`; returns a function that removes it. Nothing is emitted while no listener is added. */
  on<E extends CacheEventType>(type: E, listener: (event: CacheEvent<E>) => void): () => void;
  /** Removes a listener added with on(). */
  off<E extends CacheEventType>(type: E, listener: (event: CacheEvent<E>) => void): void;
  /** True when add/incr/decr/touch are atomic across instances on this store. */
  readonly atomic: boolean;
  get<T extends CacheValue = CacheValue>(key: CacheKey): Promise<T | undefined>;
  get<T extends CacheValue = CacheValue, D = T>(key: CacheKey, defaultValue: D, options?: KeyOptions): Promise<T | D>;
  set(key: CacheKey, value: CacheValue, timeout?: TimeoutOrOptions): Promise<void>;
  add(key: CacheKey, value: CacheValue, timeout?: TimeoutOrOptions): Promise<boolean>;
  /** Concurrent calls for one key share one read and one factory call; see GetOrSetOptions for serve-stale and early refresh. */
  getOrSet<T extends CacheValue>(key: CacheKey, defaultOrFactory: T | (() => T | Promise<T>), options?: Timeout | GetOrSetOptions): Promise<T>;
  getMany<T extends CacheValue = CacheValue>(keys: Iterable<CacheKey>, options?: KeyOptions): Promise<Map<CacheKey, T>>;
  setMany(entries: Map<CacheKey, CacheValue> | Record<string, CacheValue> | Iterable<readonly [CacheKey, CacheValue]>, timeout?: TimeoutOrOptions): Promise<CacheKey[]>;
  delete(key: CacheKey, options?: KeyOptions): Promise<boolean>;
  deleteMany(keys: Iterable<CacheKey>, options?: KeyOptions): Promise<void>;
  has(key: CacheKey, options?: KeyOptions): Promise<boolean>;
  touch(key: CacheKey, timeout?: TimeoutOrOptions): Promise<boolean>;
  incr(key: CacheKey, delta?: number | bigint, options?: KeyOptions): Promise<number | bigint>;
  decr(key: CacheKey, delta?: number | bigint, options?: KeyOptions): Promise<number | bigint>;
  incrVersion(key: CacheKey, delta?: number, options?: KeyOptions): Promise<number>;
  decrVersion(key: CacheKey, delta?: number, options?: KeyOptions): Promise<number>;
  clear(): Promise<void>;
  makeKey(key: CacheKey, version?: number): string;
  stats(): AsyncCacheStats;
  /** Makes entries tagged with any of `tags` misses on every instance sharing the store (others within localTimeout). */
  invalidateTags(tags: readonly string[]): Promise<void>;
  /** A view whose keys live in namespace `name`. */
  namespace(name: string): NamespaceView<true>;
  /** Makes every key of namespace `name` unreachable; resolves to the new token. */
  invalidateNamespace(name: string): Promise<string>;
  /** Runs loaders (key -> function) `concurrency` at a time and stores what they return. */
  warm(loaders: Record<string, () => CacheValue | Promise<CacheValue>> | Map<CacheKey, () => CacheValue | Promise<CacheValue>>, options?: WarmOptions): Promise<WarmReport>;
}

/** The part of a Workers KV namespace binding the adapter uses. */
export interface KVNamespaceLike {
  get(key: string, type: "arrayBuffer"): Promise<ArrayBuffer | null>;
  get(key: string, type: "text"): Promise<string | null>;
  get(keys: string[], type: "text"): Promise<Map<string, string | null>>;
  put(key: string, value: ArrayBuffer | ArrayBufferView | string, options?: { expirationTtl?: number }): Promise<void>;
  delete(key: string): Promise<void>;
  list(options?: { prefix?: string; cursor?: string }): Promise<{ keys: { name: string }[]; list_complete: boolean; cursor?: string }>;
}

/** The part of a Deno.Kv the adapter uses. */
/** The part of Web Storage (`localStorage`, `sessionStorage`) the adapter uses: declared here
 * so that projects without the DOM lib (Workers) compile. */
export interface StorageLike {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The part of an `IDBFactory` (`indexedDB`) the adapter uses (no DOM lib needed). */
export interface IDBFactoryLike {
  open(name: string, version?: number): object;
}

/** A Deno KV key, as Deno declares it (`Deno.KvKey`). */
export type DenoKvKey = readonly (Uint8Array | string | number | bigint | boolean | symbol)[];

export interface DenoKvLike {
  get(key: DenoKvKey): Promise<{ key: DenoKvKey; value: unknown; versionstamp: string | null }>;
  getMany(keys: readonly DenoKvKey[]): Promise<Array<{ value: unknown; versionstamp: string | null }>>;
  set(key: DenoKvKey, value: unknown, options?: { expireIn?: number }): Promise<unknown>;
  delete(key: DenoKvKey): Promise<void>;
  list(selector: { prefix: DenoKvKey }): AsyncIterable<{ key: DenoKvKey; value: unknown }>;
  atomic(): unknown;
}

/** The part of a D1 database (or any client of its shape) the adapter uses. */
export interface D1Like {
  prepare(query: string): {
    bind(...values: unknown[]): { run(): Promise<{ meta?: { changes?: number } }>; all(): Promise<{ results: unknown[] }>; first(): Promise<unknown> };
    run(): Promise<unknown>;
    first(): Promise<unknown>;
  };
}

/** A store adapter over SQL, with Django's createcachetable. */
export interface SqlStore extends StoreAdapter {
  createCacheTable(): Promise<void>;
}

/** Options of a clock-aware adapter (tests). */
interface ClockOption {
  clock?: { now(): number };
}

/** The store adapters. */
export declare const stores: {
  /** A Map in this isolate: tests and examples. */
  memory(options?: ClockOption): StoreAdapter;
  /** Workers KV; `encoding: "base64"` enables bulk reads of 100 keys. Not atomic. */
  cloudflareKV(namespace: KVNamespaceLike, options?: { encoding?: "binary" | "base64" }): StoreAdapter;
  /** Deno KV under a key prefix (default ["edgecache"]); atomic. */
  denoKV(kv: DenoKvLike, options?: { prefix?: DenoKvKey }): StoreAdapter;
  /**
   * memcached servers (`"host:port"` or `[host, port]`) over the meta protocol; a key lives on
   * the server pymemcache's HashClient (Django's PyMemcacheCache) picks; atomic (CAS).
   */
  memcached(servers: string | Array<string | [string, number]>, options?: MemcachedOptions): MemcachedStore;
  /** Redis: node-redis, ioredis, or a function sending a command; reads from `readFrom` replicas; atomic. */
  redis(client: object | ((args: Array<string | Uint8Array>) => Promise<unknown>), options?: { readFrom?: Array<object | ((args: Array<string | Uint8Array>) => Promise<unknown>)> }): StoreAdapter;
  /** Django's database cache on D1; atomic. */
  sql(db: D1Like, options?: { table?: string; maxEntries?: number; cullFrequency?: number } & ClockOption): SqlStore;
  /** Django's file cache (Node, Deno, Bun). Not atomic. */
  fileSystem(dir: string, options?: { maxEntries?: number; cullFrequency?: number } & ClockOption): StoreAdapter;
  /** Web Storage (records as base64); atomic within one page. */
  localStorage(storage?: StorageLike, options?: { prefix?: string } & ClockOption): StoreAdapter;
  /** IndexedDB; atomic across tabs. */
  indexedDB(name?: string, options?: { indexedDB?: IDBFactoryLike } & ClockOption): StoreAdapter & { close(): Promise<void> };
  /** The Cache API (per data center in Workers; list only in browsers). Not atomic. */
  cacheStorage(cache: Cache_, options?: ClockOption): StoreAdapter;
};

/** The Cache API's Cache (named apart from the edgecache Cache class). */
type Cache_ = {
  match(request: string): Promise<Response | undefined>;
  put(request: string, response: Response): Promise<void>;
  delete(request: string): Promise<boolean>;
  keys?(): Promise<readonly Request[]>;
};
