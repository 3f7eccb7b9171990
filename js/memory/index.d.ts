// Types of `edgecache/memory` (every runtime): the synchronous caches of the full entry.
import type { DummyCache, MemoryCache } from "./edgecache.js";
import "./extras.js";

export { MemoryCache, DummyCache, configureCaches, getCache, makeTemplateFragmentKey } from "./edgecache.js";
export type * from "./types.js";

/** Django's `cache`: the "default" alias of configureCaches (a MemoryCache when unconfigured). */
export declare const cache: MemoryCache | DummyCache;
