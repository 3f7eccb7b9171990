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
export type CacheValue = string | number | bigint | boolean | null | object;

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
  /** A cull removes 1/cullFrequency of the entries, least recently used first; 0 = clear all. Default 3. */
  cullFrequency?: number;
  /** Prefix of every made key. Default "". */
  keyPrefix?: string;
  /** Default key version. Default 1. */
  version?: number;
  /** Makes the stored key; default `${keyPrefix}:${version}:${key}`. */
  keyFunction?: (key: string, keyPrefix: string, version: number) => string;
  /** Caches with the same location share one store (each keeps its own options). Default: a private store. */
  location?: string;
  /** Receives Django's key warnings (keys over 250 characters or with control characters). Default console.warn. */
  onWarning?: (message: string) => void;
  /** Throw InvalidCacheKey instead of warning. Default false. */
  strictKeys?: boolean;
  /** The time source: now() in milliseconds, like Date.now(). Default Date. */
  clock?: { now(): number };
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
  /** Entries in the store, expired ones included until met. */
  entries: number;
  /** Accounted bytes in the store: key + value + a fixed per-entry overhead. */
  bytes: number;
  maxBytes: number | null;
  /** hits / (hits + misses); 0 before any read. */
  hitRatio: number;
}

/** One stored entry, as `entries()` lists them (most recently used first). */
export interface CacheEntry {
  key: string;
  /** Seconds left; null = never expires; 0 or less = expired, not yet removed. */
  ttl: number | null;
  bytes: number;
  value: CacheValue;
}

/** One alias of configureCaches: MemoryCache/DummyCache options, or an async Cache over a store. */
export type CacheSettings =
  | (MemoryCacheOptions & { /** Default "memory". */ backend?: "memory" | "dummy" })
  | (import("./cache.js").CacheOptions & { backend: "kv" });

/** Django's CACHES: aliases to settings; `default` is required. */
export type CachesConfig = { default: CacheSettings } & Record<string, CacheSettings>;
"#;
