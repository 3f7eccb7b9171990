// Types of fragment caching (js/fragments.js).
import type { LockOptions, MemoryCache } from "./edgecache.js";
import type { Cache } from "./cache.js";

/** Options of cacheFragment. */
export interface FragmentOptions {
  /** A cache alias, a MemoryCache or a Cache. Default: "template_fragments" when configured, else "default". */
  using?: string | MemoryCache | Cache;
  /** Tags of the stored fragment (invalidateTags). */
  tags?: readonly string[];
  /** A fleet-wide lease over an async Cache: on a miss one instance renders, the others wait for its fragment. `true` = `{ ttl: 10, wait: 5 }`. Default off. */
  lock?: boolean | LockOptions;
}

/** One part of a streamed page. */
export type PagePart =
  | string
  | Promise<string>
  | (() => string | Promise<string>)
  | ({ fragment: string; varyOn?: readonly unknown[]; timeout?: number | string | null; render: () => string | Promise<string> } & FragmentOptions);

/** Django's {% cache timeout name ...varyOn %}: synchronous over a MemoryCache with a synchronous render. */
export declare function cacheFragment(name: string, varyOn: readonly unknown[] | undefined, timeout: number | string | null, render: () => string, options?: FragmentOptions & { using?: string | MemoryCache }): string;
export declare function cacheFragment(name: string, varyOn: readonly unknown[] | undefined, timeout: number | string | null, render: () => string | Promise<string>, options?: FragmentOptions): string | Promise<string>;

/** A page streamed from parts in order, each started at once; onFragment tells which fragments were cached. */
export declare function streamFragments(parts: Iterable<PagePart>, options?: { onFragment?: (name: string, info: { hit: boolean }) => void }): ReadableStream<Uint8Array>;
