// Types of the response-caching API (js/http.js).
import type { LockOptions, MemoryCache } from "./edgecache.js";
import type { Cache } from "./cache.js";

/** A fetch handler: a Request (and whatever the runtime passes after it) to a Response. */
export type FetchHandler<Rest extends unknown[] = unknown[]> = (request: Request, ...rest: Rest) => Response | Promise<Response>;

/** What a page handler emits, one per GET or HEAD request. */
export type PageEventType = "hit" | "miss" | "stale" | "bypass";

/** One request answered by a page handler. */
export interface PageEvent<Type extends PageEventType = PageEventType> {
  type: Type;
  /** The name of the handler's cache ("page" when it picks one per request). */
  cache: string;
  /** The page's cache key (Django's cache_header key of the URL). */
  key: string;
  url: string;
  method: string;
  /** Milliseconds from the request to its response. */
  duration: number;
}

/** The events of a page handler: `on(type, listener)` returns a remover. Nothing is emitted while no listener is added. */
export interface PageEvents {
  on<E extends PageEventType>(type: E, listener: (event: PageEvent<E>) => void): () => void;
  off<E extends PageEventType>(type: E, listener: (event: PageEvent<E>) => void): void;
}

/** A cached fetch handler (cachePage, cacheMiddleware) and its events. */
export type CachedHandler<Rest extends unknown[]> = ((request: Request, ...rest: Rest) => Promise<Response>) & PageEvents;

/** A cache alias of configureCaches, a MemoryCache, or an async Cache. */
export type CacheTarget = string | MemoryCache | Cache;

/** Cache-Control directives: `true` prints the bare name; names in camelCase or snake_case. */
export type Directives = Record<string, boolean | number | string | null>;

/** Options of the page key (Django's key prefix and i18n/tz suffixes, off by default). */
export interface PageKeyOptions {
  /** Django's key_prefix. Default "". */
  keyPrefix?: string;
  /** Appended to keys as `.<language>`; also drops Accept-Language from the learned Vary list. */
  language?: string;
  /** Appended to keys as `.<time zone>`. */
  timeZone?: string;
  /**
   * Where the keys are stored. Default: the "default" alias. A function gets the request and
   * the handler's other arguments (a Worker's `env`, `ctx`) and returns the cache for it: make
   * one per binding and return it, so its memory tier and coalescing last across requests.
   */
  cache?: CacheTarget | ((request: Request, ...rest: never[]) => CacheTarget);
  /**
   * How header values enter the page key. "unambiguous" (default): each value length-prefixed
   * and an absent header marked apart, so different requests never share a key. "django":
   * Django's exact keys (values joined with nothing), for a store shared with a Django site.
   */
  keyFormat?: "unambiguous" | "django";
}

/** Options of cacheMiddleware. */
export interface CacheMiddlewareOptions extends PageKeyOptions {
  /** Seconds when the response has no max-age (Django's CACHE_MIDDLEWARE_SECONDS). Default 600. */
  cacheTimeout?: number;
  /** Seconds that beat the response's max-age (cachePage's timeout). */
  pageTimeout?: number;
  /** The time source for Expires and Age: now() in milliseconds. Default Date. */
  clock?: { now(): number };
  /** Adds this header (e.g. "X-Cache") with HIT, MISS, STALE or BYPASS. Default none. */
  cacheStatusHeader?: string;
  /** Adds a strong ETag (md5 of the body) to stored responses without one. Default false. */
  etag?: boolean;
  /** Stores `public` responses that set cookies, without Set-Cookie (the caller still gets it). Default false. */
  stripSetCookie?: boolean;
  /** Tags of stored pages, or a function of the request giving them; `invalidateTags` on the cache drops those pages. Default none. */
  tags?: readonly string[] | ((request: Request) => readonly string[]);
  /** Seconds past the timeout a response is served stale while one background call refreshes it; a response's `stale-while-revalidate` wins. Default 0. */
  staleWhileRevalidate?: number;
  /** Seconds past the timeout a response answers when the handler throws or returns 5xx; a response's `stale-if-error` wins. Default 0. */
  staleIfError?: number;
  /** Adds `Server-Timing: edgecache;desc=HIT` (MISS, STALE, BYPASS), visible in browser devtools. Default false. */
  serverTiming?: boolean;
  /**
   * Request headers that override the host, scheme, port, path or method (Forwarded,
   * X-Forwarded-Proto, X-HTTP-Method-Override...) make a request bypass the cache entirely;
   * one named here enters the page key instead (its value keys the page). Default [].
   */
  keyHeaders?: readonly string[];
  /** Keeps background refreshes alive (Workers: found in the handler's arguments as `ctx.waitUntil`). */
  waitUntil?: (promise: Promise<unknown>) => void;
  /** A fleet-wide lease per URL over an async Cache: on a miss one instance calls the handler, the others wait for its stored page (a MemoryCache already shares one call per process). `true` = `{ ttl: 10, wait: 5 }`. Default off. */
  lock?: boolean | LockOptions;
}

/** Options of cachePage: `timeout` in seconds is required, as in Django's cache_page(timeout). */
export interface CachePageOptions extends Omit<CacheMiddlewareOptions, "pageTimeout"> {
  timeout: number | null;
}

/** Django's cache_page around a fetch handler. */
export declare function cachePage<Rest extends unknown[]>(handler: FetchHandler<Rest>, options: CachePageOptions): CachedHandler<Rest>;
/** Django's CacheMiddleware around a fetch handler. */
export declare function cacheMiddleware<Rest extends unknown[]>(handler: FetchHandler<Rest>, options?: CacheMiddlewareOptions): CachedHandler<Rest>;
/** Django's patch_cache_control. */
export declare function patchCacheControl(target: Response | Headers, directives: Directives): void;
/** Django's get_max_age: an integer or null. */
export declare function getMaxAge(response: Response | Headers): number | null;
/** Django's patch_response_headers (timeout in seconds, default 600). */
export declare function patchResponseHeaders(response: Response | Headers, timeout?: number, options?: { clock?: { now(): number } }): void;
/** Django's add_never_cache_headers. */
export declare function addNeverCacheHeaders(response: Response | Headers, options?: { clock?: { now(): number } }): void;
/** Django's patch_vary_headers. */
export declare function patchVaryHeaders(response: Response | Headers, names: Iterable<string>): void;
/** Django's has_vary_header. */
export declare function hasVaryHeader(response: Response | Headers, name: string): boolean;
/** Django's get_cache_key: the page key for the request, or null when nothing was learned. */
export declare function getCacheKey(request: Request, options?: PageKeyOptions & { method?: string }): Promise<string | null>;
/** Django's learn_cache_key: stores the Vary header list and returns the page key. */
export declare function learnCacheKey(request: Request, response: Response, options?: PageKeyOptions & { timeout?: number }): Promise<string>;

/** The part of Hono's Context the middleware uses. */
export interface HonoContextLike {
  req: { raw: Request };
  res: Response;
  readonly executionCtx?: { waitUntil(promise: Promise<unknown>): void };
}

/** The cache middleware for Hono: with `timeout`, cachePage; without, cacheMiddleware. */
export declare function honoCache(options?: Omit<CacheMiddlewareOptions, "pageTimeout" | "cache"> & { timeout?: number | null; cache?: CacheTarget | ((c: HonoContextLike) => CacheTarget) }): ((c: HonoContextLike, next: () => Promise<void>) => Promise<Response>) & PageEvents;
