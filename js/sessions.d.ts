// Types of the session framework (js/sessions.js).
import type { CacheValue } from "./edgecache.js";
import type { Cache, StoreAdapter } from "./cache.js";
import type { CacheTarget, FetchHandler, HonoContextLike } from "./http.js";

/** Options of `sessions()`: Django's SESSION_* settings. */
export interface SessionOptions {
  /** Where session data is cached: an alias, a MemoryCache or a Cache. Default: the "default" alias. */
  cache?: CacheTarget;
  /** "cache": data in the cache only (lost on eviction). "cachedDb": written to `store` too, read from it on a cache miss. Default "cache". */
  engine?: "cache" | "cachedDb";
  /** The durable store of "cachedDb": a `stores.*` adapter or a Cache. */
  store?: StoreAdapter | Cache;
  /** The cookie's name. Default "sessionid". */
  cookieName?: string;
  /** Seconds a session lives (cookie Max-Age and data timeout). Default 1209600 (two weeks). */
  maxAge?: number;
  /** The cookie's Secure flag. Default false. */
  secure?: boolean;
  /** The cookie's HttpOnly flag. Default true. */
  httpOnly?: boolean;
  /** The cookie's SameSite: "Lax", "Strict", "None", or false for none. Default "Lax". */
  sameSite?: "Lax" | "Strict" | "None" | "lax" | "strict" | "none" | false;
  /** The cookie's Domain. Default none (the host). */
  domain?: string;
  /** The cookie's Path. Default "/". */
  path?: string;
  /** Save (and re-send the cookie) on every request, not only when modified. Default false. */
  saveEveryRequest?: boolean;
  /** Cookies without Max-Age/Expires, ending with the browser session. Default false. */
  expireAtBrowserClose?: boolean;
  /** Prefix of the cache keys. Default Django's: "django.contrib.sessions.cache" or "django.contrib.sessions.cached_db". */
  keyPrefix?: string;
  /** The time source of expiry and cookie dates: now() in milliseconds. Default Date. */
  clock?: { now(): number };
}

/** A request's session (Django's `request.session`). */
export declare class Session {
  private constructor();
  /** The session key, or null before the session is first saved. */
  readonly sessionKey: string | null;
  /** True once the handler read or wrote the session. */
  accessed: boolean;
  /** True once the handler changed the session. */
  modified: boolean;
  /** The value of `name`, or undefined. */
  get<T extends CacheValue = CacheValue>(name: string): T | undefined;
  /** The value of `name`, or `defaultValue`. */
  get<T extends CacheValue = CacheValue, D = T>(name: string, defaultValue: D): T | D;
  /** Sets `name`. */
  set(name: string, value: CacheValue): void;
  /** Removes `name`; true when it was set. */
  delete(name: string): boolean;
  /** Whether `name` is set. */
  has(name: string): boolean;
  /** The names that are set. */
  keys(): string[];
  /** Removes every value; the key stays. */
  clear(): void;
  /** No key and no data. */
  isEmpty(): boolean;
  /** Deletes the session and its data; a new key is issued on the next save (sign-out). */
  flush(): Promise<void>;
  /** Keeps the data under a new key and deletes the old one (call it at sign-in). */
  cycleKey(): Promise<void>;
  /** Seconds of inactivity before expiry (0: at browser close), a Date, or null for the default. */
  setExpiry(value: number | Date | null): void;
  /** Seconds until the session expires. */
  getExpiryAge(): number;
  /** When the session expires. */
  getExpiryDate(): Date;
  /** Whether the cookie ends with the browser session. */
  getExpireAtBrowserClose(): boolean;
  /** Writes the session now (the wrapper does it after the handler when needed). */
  save(): Promise<void>;
  /** Resolves when pending deletes and key changes are done. */
  settled(): Promise<void>;
}

/** The Hono variables the session middleware sets: `new Hono<{ Variables: SessionVariables }>()` types `c.get("session")`. */
export type SessionVariables = { session: Session };

/** The part of Hono's Context the session middleware uses. */
export interface HonoSessionContext extends HonoContextLike {
  set(key: "session", value: Session): void;
}

/** What `sessions()` returns: a handler wrapper with a Hono middleware beside it. */
export interface SessionsWrapper {
  <Rest extends unknown[]>(handler: FetchHandler<Rest>): (request: Request, ...rest: Rest) => Promise<Response>;
  /** The same as a Hono middleware: `app.use(withSessions.hono)`, then `c.get("session")`. */
  hono(c: HonoSessionContext, next: () => Promise<void>): Promise<void>;
}

/** Django's SessionMiddleware for fetch handlers. */
export declare function sessions(options?: SessionOptions): SessionsWrapper;
/** The session of a request inside a `sessions()` wrapper, or undefined. */
export declare function getSession(request: Request): Session | undefined;
