// Django's session framework on the cache, for fetch handlers: the "cache" and "cachedDb"
// engines, the session object, and SessionMiddleware's response handling. The rules (key
// form and randomness, expiry, what to do with the response, cookie lines) are in Rust
// (src/web/session.rs, src/web/http/cookie.rs); this file awaits the cache and the store.
import { codedError, ownOptions, typeError } from "./errors.js";
import {
  __SessionCookie,
  __newSessionKey,
  __isSessionKey,
  __sessionExpiryAge,
  __sessionAtBrowserClose,
  __sessionPlan,
  __sessionCookieKeepsKey,
} from "./edgecache.js";
import { Cache } from "./cache.js";
import { patchVaryHeaders } from "./http/headers.js";
import { resolveCache } from "./http/keys.js";
import { expiryOf, Engine } from "./session-engine.js";

const EXPIRY = "_session_expiry"; // Django's key of a custom expiry in the session data
const PREFIXES = { cache: "django.contrib.sessions.cache", cachedDb: "django.contrib.sessions.cached_db" };
const [VARY, DELETE, SAVE, DROP] = [1, 2, 4, 8]; // __sessionPlan bits
const HAS_DATA = Symbol("hasData"); // read by the wrapper without marking the session accessed
const bySession = new WeakMap();


/** The session of a request handled by a `sessions()` wrapper, or undefined. */
export function getSession(request) {
  return bySession.get(request);
}

/** A request's session: Django's SessionBase API over plain data. */
export class Session {
  #engine;
  #settings;
  #key;
  #data;
  #pending = [];
  /** Changes made to the data so far. */
  #changes = 0;
  /** The value of #changes that cycleKey's write captured, or -1: saving that again is a no-op. */
  #storedAt = -1;

  /** True once the handler read or wrote the session. (Declared fields: see Writer in encode.js.) */
  accessed = false;
  /** True once the handler changed the session. */
  modified = false;

  /**
   * True until the session is first read: Django loads it lazily, and until then holds the
   * cookie's value as its key (when Django keeps it: 8+ characters), so `is_empty()` is false
   * even for a cookie that names no session.
   */
  #unread;

  /** @internal */
  constructor(engine, settings, key, data, cookieKept = false) {
    this.#engine = engine;
    this.#settings = settings;
    this.#key = key;
    this.#data = data;
    this.#unread = cookieKept;
  }

  /** The session key, or null before the session is first saved. */
  get sessionKey() {
    return this.#key;
  }

  #touch() {
    this.accessed = true;
    this.#unread = false;
    return this.#data;
  }

  /** Marks the data changed (the handler's writes). */
  #change() {
    this.modified = true;
    this.#changes++;
  }

  #name(name) {
    if (typeof name !== "string") throw typeError("INVALID_SESSION_NAME", `a session name must be a string, got ${typeof name}`);
    return name;
  }

  /** The value of `name`, or `defaultValue` (undefined) when unset. */
  get(name, defaultValue) {
    const data = this.#touch();
    return Object.hasOwn(data, this.#name(name)) ? data[name] : defaultValue;
  }

  /** Sets `name` (any value the cache can store). */
  set(name, value) {
    if (value === undefined) throw typeError("INVALID_SESSION_VALUE", `session value of '${name}' is undefined; use delete()`);
    this.#touch()[this.#name(name)] = value;
    this.#change();
  }

  /** Removes `name`; true when it was set. */
  delete(name) {
    const data = this.#touch();
    if (!Object.hasOwn(data, this.#name(name))) return false;
    delete data[name];
    this.#change();
    return true;
  }

  /** Whether `name` is set. */
  has(name) {
    return Object.hasOwn(this.#touch(), this.#name(name));
  }

  /** The names that are set. */
  keys() {
    return Object.keys(this.#touch());
  }

  /** Removes every value; the key stays (Django's `clear`). */
  clear() {
    this.#data = {};
    this.accessed = true;
    this.#change();
  }

  [HAS_DATA]() {
    return Object.keys(this.#data).length > 0;
  }

  /** No key and no data (Django's `is_empty`; before the first read, the cookie counts as a key). */
  isEmpty() {
    if (this.#unread) return false;
    return this.#key === null && Object.keys(this.#data).length === 0;
  }

  /** Deletes the session and its data; the next save issues a new key (sign-out). */
  flush() {
    this.clear();
    const key = this.#key;
    this.#key = null;
    this.#unread = false;
    return this.#track(key === null ? Promise.resolve() : this.#engine.delete(key));
  }

  /** Keeps the data under a new key and deletes the old one (call it at sign-in). */
  cycleKey() {
    const data = this.#touch();
    const old = this.#key;
    const captured = this.#changes;
    const work = (async () => {
      const age = this.getExpiryAge();
      this.#key = await this.#engine.create(data, age);
      this.modified = true;
      // Unless the handler changes the data afterwards, the wrapper's save would rewrite the
      // same record (Workers KV allows one write per second per key). A session created
      // already expired is not: the save finds it gone, as Django's does (a 400).
      this.#storedAt = this.#data === data && age > 0 ? captured : -1;
      if (old !== null) await this.#engine.delete(old);
    })();
    return this.#track(work);
  }

  /** Seconds of inactivity before expiry (0: when the browser closes), a Date, or null for the default. */
  setExpiry(value) {
    if (value === null || value === undefined) {
      this.delete(EXPIRY);
      return;
    }
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) throw typeError("INVALID_EXPIRY", "setExpiry() got an invalid Date");
      this.set(EXPIRY, value.toISOString());
      return;
    }
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw typeError("INVALID_EXPIRY", "setExpiry() takes seconds (a finite number), a Date or null");
    }
    this.set(EXPIRY, value);
  }

  /** Seconds until the session expires (Django's `get_expiry_age`; it reads the session, as Django's does). */
  getExpiryAge() {
    const [kind, value] = expiryOf(this.#touch()[EXPIRY]);
    return __sessionExpiryAge(kind, value, this.#settings.maxAge, this.#settings.clock.now());
  }

  /** When the session expires (Django's `get_expiry_date`: a Date set is returned as it was). */
  getExpiryDate() {
    const [kind, value] = expiryOf(this.#touch()[EXPIRY]);
    if (kind === 2 && Number.isFinite(value)) return new Date(value);
    return new Date(this.#settings.clock.now() + this.getExpiryAge() * 1000);
  }

  /** Whether the cookie ends with the browser session (Django's `get_expire_at_browser_close`). */
  getExpireAtBrowserClose() {
    const [kind, value] = expiryOf(this.#touch()[EXPIRY]);
    return __sessionAtBrowserClose(kind, value, this.#settings.expireAtBrowserClose);
  }

  /** Writes the session now (the wrapper does it after the handler when needed). */
  async save() {
    await this.settled();
    const age = this.getExpiryAge();
    if (this.#key === null) this.#key = await this.#engine.create(this.#data, age);
    else if (this.#storedAt !== this.#changes && !(await this.#engine.save(this.#key, this.#data, age))) {
      throw codedError("SESSION_INTERRUPTED", "the session was deleted before the request completed (it expired, or a concurrent request signed out): it is not saved again");
    }
    this.#storedAt = -1;
  }

  /** Resolves when the session's pending deletes and key changes are done. */
  async settled() {
    while (this.#pending.length) await Promise.all(this.#pending.splice(0));
  }

  #track(promise) {
    this.#pending.push(promise);
    return promise;
  }
}

function checkOptions(options) {
  if (typeof options === "function") throw typeError("INVALID_ARGUMENT", "sessions(options) makes the wrapper: sessions(options)(handler)");
  if (options === null || typeof options !== "object") throw typeError("INVALID_OPTIONS", "sessions() options must be an object");
  const {
    cache,
    engine = "cache",
    store,
    cookieName = "sessionid",
    maxAge = 1209600,
    secure = false,
    httpOnly = true,
    sameSite = "Lax",
    domain,
    path = "/",
    saveEveryRequest = false,
    expireAtBrowserClose = false,
    keyPrefix,
    clock = Date,
    ...unknown
    // Own options only: an `httpOnly: false` a prototype-pollution bug put on Object.prototype
    // must not hand the session cookie to scripts.
  } = ownOptions(options, "sessions(options)");
  const typo = Object.keys(unknown)[0];
  if (typo !== undefined) throw typeError("UNKNOWN_OPTION", `sessions() has no option '${typo}'`);
  if (!Object.hasOwn(PREFIXES, engine)) throw typeError("INVALID_OPTION", `option 'engine' must be "cache" or "cachedDb", got ${String(engine)}`);
  if (typeof maxAge !== "number" || !Number.isFinite(maxAge)) throw typeError("INVALID_OPTION", "option 'maxAge' must be a number of seconds");
  for (const [name, value] of Object.entries({ secure, httpOnly, saveEveryRequest, expireAtBrowserClose })) {
    if (typeof value !== "boolean") throw typeError("INVALID_OPTION", `option '${name}' must be a boolean`);
  }
  for (const [name, value] of Object.entries({ cookieName, path })) {
    if (typeof value !== "string") throw typeError("INVALID_OPTION", `option '${name}' must be a string`);
  }
  for (const [name, value] of Object.entries({ domain, keyPrefix })) {
    if (value !== undefined && typeof value !== "string") throw typeError("INVALID_OPTION", `option '${name}' must be a string`);
  }
  if (sameSite !== false && sameSite !== null && typeof sameSite !== "string") {
    throw typeError("INVALID_OPTION", "option 'sameSite' must be \"Lax\", \"Strict\", \"None\" or false");
  }
  if (!clock || typeof clock.now !== "function") throw typeError("INVALID_OPTION", "option 'clock' must have a now() method");
  if (engine === "cachedDb" && !store) throw typeError("INVALID_OPTION", "engine \"cachedDb\" needs a 'store' (a stores.* adapter or a Cache)");
  const cookie = new __SessionCookie(cookieName, domain, path, secure, httpOnly, typeof sameSite === "string" ? sameSite : undefined);
  let db = null;
  if (engine === "cachedDb") db = store instanceof Cache ? store : new Cache({ store, memory: false, clock, timeout: null });
  const settings = { maxAge: Math.trunc(maxAge), saveEveryRequest, expireAtBrowserClose, clock };
  return { cookie, settings, engine: new Engine(resolveCache(cache), keyPrefix ?? PREFIXES[engine], db, clock) };
}

/**
 * Django's session middleware for fetch handlers. `sessions(options)(handler)` runs the
 * handler with `getSession(request)` available; `sessions(options).hono` is the same as a
 * Hono middleware (`c.get("session")`).
 */
export function sessions(options = {}) {
  const { cookie, settings, engine } = checkOptions(options);

  async function open(request) {
    const raw = cookie.read(request.headers.get("cookie") ?? undefined);
    // A value not of the key form is never looked up; one naming no session is dropped.
    const key = raw !== undefined && __isSessionKey(raw) ? raw : null;
    const data = key === null ? null : await engine.load(key);
    const cookieKey = raw !== undefined && __sessionCookieKeepsKey(raw);
    const session = new Session(engine, settings, data === null ? null : key, data ?? {}, cookieKey);
    bySession.set(request, session);
    return { session, hadCookie: raw !== undefined, cookieKey };
  }

  async function close({ session, hadCookie, cookieKey }, response) {
    await session.settled();
    const plan = __sessionPlan(
      hadCookie,
      cookieKey,
      session.sessionKey !== null,
      session[HAS_DATA](),
      session.accessed,
      session.modified,
      settings.saveEveryRequest,
      response.status,
    );
    if (plan === 0) return response;
    if (plan & DROP) await session.flush(); // emptied by the handler: delete, do not save {}
    // Responses from fetch() can have immutable headers: work on a copy.
    const out = new Response(response.body, response);
    if (plan & VARY) patchVaryHeaders(out, ["Cookie"]);
    if (plan & DELETE) out.headers.append("Set-Cookie", cookie.deleteCookie());
    if (plan & SAVE) {
      const age = session.getExpireAtBrowserClose() ? undefined : session.getExpiryAge();
      try {
        await session.save();
      } catch (error) {
        // Django's SessionInterrupted: a 400, no cookie, rather than a signed-out session back.
        if (error?.code === "SESSION_INTERRUPTED") return new Response("Bad Request (400)", { status: 400 });
        throw error;
      }
      out.headers.append("Set-Cookie", cookie.setCookie(session.sessionKey, age, settings.clock.now() / 1000));
    }
    return out;
  }

  function wrap(handler) {
    if (typeof handler !== "function") throw typeError("INVALID_ARGUMENT", "sessions(options)(handler): handler must be a function");
    return async function withSession(request, ...rest) {
      const state = await open(request);
      return close(state, await handler(request, ...rest));
    };
  }
  wrap.hono = async function edgecacheSessions(c, next) {
    const state = await open(c.req.raw);
    c.set("session", state.session);
    await next();
    const out = await close(state, c.res);
    // Hono's res setter merges the old response's headers over the new one (Vary,
    // Set-Cookie): clear it first so the session's headers stand.
    c.res = undefined;
    c.res = out;
  };
  return wrap;
}
