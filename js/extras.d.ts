// Types of js/extras.js: the methods it adds to the generated MemoryCache class.
import type { CacheEvent, CacheKey, CacheValue, GetOrSetOptions, KeyOptions, MemoryCacheEventType, NamespaceView, Timeout, WarmOptions, WarmReport } from "./edgecache.js";

// Methods js/extras.js adds to the generated MemoryCache class.
declare module "./edgecache.js" {
  interface MemoryCache {
    /** The value of `key` as the type you stored (not checked), or `defaultValue` / undefined. */
    get<T extends CacheValue = CacheValue>(key: CacheKey, defaultValue?: T, options?: KeyOptions): T | undefined;
    /** Adds `delta` (default 1) to a number (or bigint: then pass `bigint` as T) and returns it. */
    incr<T extends number | bigint = number>(key: CacheKey, delta?: number | bigint, options?: KeyOptions): T;
    /** Subtracts `delta` (default 1); as incr. */
    decr<T extends number | bigint = number>(key: CacheKey, delta?: number | bigint, options?: KeyOptions): T;
    /** Django's getOrSet; with refresh options a factory may be async (a miss then returns a Promise). */
    getOrSet<T extends CacheValue>(key: CacheKey, defaultOrFactory: T | (() => T), options?: Timeout | GetOrSetOptions): T;
    getOrSet<T extends CacheValue>(key: CacheKey, factory: () => Promise<T>, options: GetOrSetOptions): T | Promise<T>;
    /** A view whose keys live in namespace `name`. */
    namespace(name: string): NamespaceView<false>;
    /** Makes every key of namespace `name` unreachable; returns the new token. */
    invalidateNamespace(name: string): string;
    /** Calls `listener` on each event of `type`; returns a function that removes it. Nothing is emitted (or costs anything) while no listener is added. */
    on<E extends MemoryCacheEventType>(type: E, listener: (event: CacheEvent<E>) => void): () => void;
    /** Removes a listener added with on(). */
    off<E extends MemoryCacheEventType>(type: E, listener: (event: CacheEvent<E>) => void): void;
    /** Runs loaders `concurrency` at a time and stores what they return. */
    warm(loaders: Record<string, () => CacheValue | Promise<CacheValue>> | Map<CacheKey, () => CacheValue | Promise<CacheValue>>, options?: WarmOptions): Promise<WarmReport>;
  }
}
