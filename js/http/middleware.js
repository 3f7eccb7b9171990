// The cache middleware for fetch handlers (Django's UpdateCacheMiddleware and
// FetchFromCacheMiddleware in one), cachePage and the Hono middleware: what is stored,
// what is served (fresh, stale, 304), and never one user's private page to another.
import { field } from "../encode.js";
import { ensure, ownOptions, typeError } from "../errors.js";
import { getSession } from "../sessions.js";
import { __checkLock, __learnList, __storePolicy, __ageAt, __notModified, __etag, __freshness, __staleWindows } from "../edgecache.js";
import { Flights, Marks } from "../flights.js";
import { LEASED } from "../lease.js";
import { Events, PAGE_EVENTS, now, since } from "../events.js";
import { isThenable, then } from "../maybe.js";
import { PageEntry, PageReader } from "../page-entry.js";
import { DEFAULT_SECONDS, FRESH, STALE, STALE_IF_ERROR, hasVaryHeader, header, nowSeconds, patchResponseHeaders, patchVaryHeaders } from "./headers.js";
import { resolveCache, keyOptions, headerKeyFor, pageKeyFor, requestOf } from "./keys.js";

function streaming(response) {
  const h = response.headers;
  if (response.body === null || h.has("content-length")) return false;
  return /^text\/event-stream/i.test(h.get("content-type") ?? "") || /chunked/i.test(h.get("transfer-encoding") ?? "");
}

/**
 * `value` when it reads as a fetch Response (a numeric status, headers with get and has), else
 * INVALID_RESPONSE: what the page cache stores and answers with comes from it.
 */
function responseOf(value) {
  ensure(isResponse, value, "INVALID_RESPONSE", "the handler must return a Response");
  return ensure(isUnread, value, "INVALID_RESPONSE", "the handler returned a Response whose body was already read or is locked to a reader: return a new Response");
}

const isResponse = (r) => r !== null && typeof r === "object" && typeof r.status === "number" && typeof r.headers?.get === "function" && typeof r.headers?.has === "function";
// A body read or locked cannot be stored or sent on (the engine's "Body is unusable").
const isUnread = (r) => r.bodyUsed !== true && r.body?.locked !== true;

/** True when a stored page may answer `request` (the Authorization rule). */
function servable(hit, request) {
  return hit.page.serves(Boolean(request.headers.get("authorization")));
}

/**
 * True when a session was read or written while `request` was handled and the page would be
 * stored as shared: only a request with a cookie whose response varies on Cookie (the
 * session wrapper inside the cache) gets a key of its own.
 */
function sessionShared(request, response) {
  const session = getSession(request);
  if (session === undefined || !(session.accessed || session.modified)) return false;
  return !(request.headers.has("cookie") && hasVaryHeader(response, "Cookie"));
}

/** A Response for a stored page, each time a new one (bodies can be read once). */
function fromPage(page, body, request, extra) {
  // Pairs, not a Headers object: the Response copies them once. An extra replaces a stored header.
  let headers = page.headers;
  if (extra.length > 0) {
    const replaced = extra.map(([name]) => name.toLowerCase());
    headers = [...headers.filter(([name]) => !replaced.includes(name)), ...extra];
  }
  return new Response(request.method === "HEAD" ? null : body, { status: page.status, statusText: page.statusText, headers });
}

// Request headers that override the host, scheme, port, path or method a handler sees but
// are not in the key: a request carrying one is neither stored nor answered from the cache,
// unless the application names the header in `keyHeaders` (its value then enters the key).
const UNKEYED = [
  "x-forwarded-host", "x-host", "x-original-url", "x-rewrite-url", "forwarded", "x-forwarded-proto",
  "x-forwarded-scheme", "x-forwarded-port", "x-forwarded-server", "x-forwarded-prefix", "x-original-host",
  "x-http-method-override", "x-http-method", "x-method-override",
];

// The headers a 304 carries (RFC 9110 15.4.5).
const NOT_MODIFIED_HEADERS = ["cache-control", "content-location", "date", "etag", "expires", "last-modified", "vary", "age"];

/**
 * The cache middleware (Django's CacheMiddleware) around a fetch handler
 * `(request, ...rest) => Response | Promise<Response>`.
 */
export function cacheMiddleware(handler, options = {}) {
  if (typeof handler !== "function") throw typeError("INVALID_ARGUMENT", "cacheMiddleware needs a handler function");
  if (typeof options === "number") {
    throw typeError("INVALID_OPTIONS", `cacheMiddleware takes its timeout in an options object: cacheMiddleware(handler, { cacheTimeout: ${options} })`);
  }
  options = ownOptions(options, "cacheMiddleware(handler, options)");
  const {
    cacheTimeout = DEFAULT_SECONDS,
    pageTimeout,
    keyPrefix,
    cache,
    language,
    timeZone,
    clock,
    cacheStatusHeader,
    etag = false,
    stripSetCookie = false,
    staleWhileRevalidate = 0,
    staleIfError = 0,
    waitUntil,
    serverTiming = false,
    tags,
    keyFormat,
    keyHeaders = [],
    lock,
    ...unknown
  } = options;
  // A typo (staleWhileRevalidat) would otherwise turn a feature off without a word.
  const typo = Object.keys(unknown)[0];
  if (typo !== undefined) throw typeError("UNKNOWN_OPTION", `the page cache has no option '${typo}'`);
  const headerName = (h) => typeof h === "string" && /^[!#$%&'*+.^_`|~0-9a-z-]+$/i.test(h);
  if (!Array.isArray(keyHeaders) || !keyHeaders.every(headerName)) {
    throw typeError("INVALID_OPTION", "option 'keyHeaders' must be an array of header names");
  }
  if (cacheStatusHeader && !headerName(cacheStatusHeader)) {
    throw typeError("INVALID_OPTION", "option 'cacheStatusHeader' must be a header name");
  }
  // Declared headers enter every page key, as if each response varied on them.
  const keyed = keyHeaders.map((h) => h.toLowerCase());
  const declared = keyed.map((h) => `HTTP_${h.toUpperCase().replace(/-/g, "_")}`);
  const unkeyed = new Set(UNKEYED.filter((h) => !keyed.includes(h)));
  // One pass over the request's header names (lowercase): fourteen `has` calls cost 1.7-2.9 µs
  // a request in Node, the pass 0.1-0.6 µs, a tenth of a hit's own cost.
  const overridden = (request) => {
    for (const name of request.headers.keys()) if (unkeyed.has(name)) return true;
    return false;
  };
  // Each becomes a max-age and an Expires date: a NaN or +Infinity there makes neither (Django's
  // CACHE_MIDDLEWARE_SECONDS of inf fails every response with OverflowError).
  for (const [name, value] of [["cacheTimeout", cacheTimeout], ["pageTimeout", pageTimeout]]) {
    if (value !== undefined && value !== null && (typeof value !== "number" || Number.isNaN(value) || value === Infinity)) {
      throw typeError(name === "pageTimeout" ? "INVALID_TIMEOUT" : "INVALID_OPTION", `option '${name}' must be a finite number of seconds, got ${typeof value === "number" ? value : typeof value}`);
    }
  }
  if (tags !== undefined && typeof tags !== "function" && !Array.isArray(tags)) {
    throw typeError("INVALID_TAGS", "option 'tags' must be an array of tags or a function of the request returning one");
  }
  if (lock !== undefined) __checkLock(lock);
  const k = keyOptions({ keyPrefix, language, timeZone, keyFormat });
  if (typeof cache === "object" && cache !== null) resolveCache(cache); // refuse a bad cache now
  else if (cache !== undefined && typeof cache !== "string" && typeof cache !== "function") {
    throw typeError("INVALID_OPTION", "option 'cache' must be a cache alias, a MemoryCache, a Cache, or a function of the request returning one");
  }
  // Per cache: one handler call per key at a time (coalescing), one background refresh per URL
  // at a time. Keyed by the cache, so requests served by different caches never share a call.
  const flights = new WeakMap();
  const flightsOf = (c) => {
    let f = flights.get(c);
    if (f === undefined) flights.set(c, (f = { inflight: new Flights(() => nowSeconds(clock)), refreshing: new Set() }));
    return f;
  };
  const pages = new PageReader();
  // "METHOD url" of the requests whose handler call is being made right now (synchronously).
  const calling = new Marks();
  const call = (request, rest) => calling.during(`${request.method} ${request.url}`, () => handler(request, ...rest));

  // Events (js/events.js): made on the first listener; until then responses are not labelled.
  let events;
  const labels = new WeakMap();
  const label = (response, status) => {
    if (events !== undefined) labels.set(response, status);
    return response;
  };
  const withStatus = (response, status) => {
    if (!cacheStatusHeader && !serverTiming) return label(response, status);
    const copy = new Response(response.body, response);
    if (cacheStatusHeader) copy.headers.set(cacheStatusHeader, status);
    if (serverTiming) copy.headers.append("Server-Timing", `edgecache;desc=${status}`);
    return label(copy, status);
  };

  /**
   * `{ page, body }` of the stored response for `request`, or undefined; synchronous over a
   * MemoryCache (a hit then costs no microtask hops), a Promise over a Cache.
   */
  function fetchFromCache(c, request) {
    const usable = (hit) => (hit !== undefined && servable(hit, request) ? hit : undefined);
    return then(c.get(headerKeyFor(request, k)), (list) => {
      if (!Array.isArray(list)) return undefined; // absent, or not a header list: a miss
      return then(c.get(pageKeyFor(request, "GET", list, k)), (value) => {
        const hit = pages.read(value);
        if (hit !== undefined || request.method !== "HEAD") return usable(hit);
        return then(c.get(pageKeyFor(request, "HEAD", list, k)), (head) => usable(pages.read(head)));
      });
    });
  }

  function serve({ page, body }, request, status = "HIT") {
    const extra = [];
    if (page.ageOrigin !== undefined) extra.push(["Age", String(__ageAt(page.ageOrigin, nowSeconds(clock)))]);
    if (cacheStatusHeader) extra.push([cacheStatusHeader, status]);
    if (serverTiming) extra.push(["Server-Timing", `edgecache;desc=${status}`]);
    const ifNoneMatch = request.headers.get("if-none-match");
    const ifModifiedSince = request.headers.get("if-modified-since");
    if ((ifNoneMatch !== null || ifModifiedSince !== null) && __notModified(ifNoneMatch ?? undefined, ifModifiedSince ?? undefined, page.etag, page.lastModified)) {
      const headers = new Headers(page.headers.filter(([n]) => NOT_MODIFIED_HEADERS.includes(n)));
      for (const [name, value] of extra) headers.set(name, value);
      return label(new Response(null, { status: 304, headers }), status);
    }
    return label(fromPage(page, body, request, extra), status);
  }

  /** Django's UpdateCacheMiddleware: patches headers and stores; resolves to [response, stored entry or undefined]. */
  async function updateCache(c, request, response) {
    const policy = __storePolicy({
      status: response.status,
      streaming: streaming(response),
      setsCookie: response.headers.has("set-cookie"),
      cacheControl: response.headers.get("cache-control") ?? undefined,
      vary: response.headers.get("vary") ?? undefined,
      authorization: Boolean(request.headers.get("authorization")),
      cookie: Boolean(request.headers.get("cookie")),
      pageTimeout: pageTimeout ?? undefined,
      cacheTimeout,
      stripSetCookie,
      unkeyedOverride: overridden(request) || sessionShared(request, response),
      hasExpires: response.headers.has("expires"),
      now: nowSeconds(clock),
    });
    if (policy === null) return [withStatus(response, "BYPASS"), undefined];
    // Responses from fetch() can have immutable headers: work on a copy.
    const body = request.method === "HEAD" || response.body === null ? null : new Uint8Array(await response.arrayBuffer());
    const headers = new Headers(response.headers);
    patchResponseHeaders(headers, policy.timeout, { clock });
    if (policy.varyAuthorization) patchVaryHeaders(headers, ["Authorization"]);
    if (etag && policy.store && body !== null && !headers.has("etag")) headers.set("ETag", __etag(body));
    const out = new Response(body, { status: response.status, statusText: response.statusText, headers });
    if (!policy.store) return [withStatus(out, "BYPASS"), undefined];
    const stored = [...headers].filter(([n]) => !(policy.stripSetCookie && n === "set-cookie"));
    // Kept past its timeout for the stale windows; `fresh` says until when it is fresh.
    const [swr, sie, keep] = __staleWindows(headers.get("cache-control") ?? undefined, staleWhileRevalidate, staleIfError, policy.timeout);
    const page = new PageEntry({ status: response.status, statusText: response.statusText, headers: stored, fresh: nowSeconds(clock) + policy.timeout, swr, sie });
    const entry = { page, body: body ?? new Uint8Array(0) };
    const learned = __learnList(headers.get("vary") ?? undefined, k.language !== undefined);
    const list = declared.length === 0 ? learned : [...new Set([...learned, ...declared])].sort();
    await c.set(headerKeyFor(request, k), list, keep);
    const key = pageKeyFor(request, request.method, list, k);
    await c.set(key, page.pack(entry.body), tags === undefined ? keep : { timeout: keep, tags: typeof tags === "function" ? tags(request) : tags });
    return [withStatus(out, "MISS"), { entry, list, key }];
  }

  /** The handler, emitting one event per request (hit, miss, stale, bypass) while listened to. */
  async function observed(request, ...rest) {
    if (events === undefined) return cached(request, ...rest);
    const started = now();
    const response = await cached(request, ...rest);
    const status = labels.get(response);
    if (status !== undefined && events !== undefined) {
      const c = typeof cache === "function" ? undefined : resolveCache(cache);
      events.emit(status.toLowerCase(), headerKeyFor(request, k), { ...(c?.name !== undefined && { cache: c.name }), url: request.url, method: request.method, duration: since(started) });
    }
    return response;
  }
  /** Calls `listener(event)` on each request answered as `type` (hit, miss, stale, bypass); returns a remover. */
  observed.on = (type, listener) => {
    const next = events ?? new Events("page", PAGE_EVENTS);
    next.on(type, listener); // a bad type or listener throws before anything is kept
    events = next;
    return () => observed.off(type, listener);
  };
  /** Removes a listener added with on(). */
  observed.off = (type, listener) => {
    events?.off(type, listener);
    if (events?.empty) events = undefined;
  };
  return observed;

  async function cached(request, ...rest) {
    requestOf(request, "the page cache");
    if (request.method !== "GET" && request.method !== "HEAD") return handler(request, ...rest);
    // A call the handler itself makes for its own URL (while it is being called): it must not
    // join the handler call it is part of, which would wait for itself.
    // (No key string is made on the hot path: only while some handler call is running.)
    const nested = calling.active && calling.has(`${request.method} ${request.url}`);
    // The handler sees another host, scheme or method than the key says: never cached.
    if (overridden(request)) return withStatus(await handler(request, ...rest), "BYPASS");
    // A function picks the cache per request (a Worker's env arrives with it): made once per
    // binding by the caller, it keeps its memory tier and coalescing across requests.
    const c = resolveCache(typeof cache === "function" ? cache(request, ...rest) : cache);
    let hit = fetchFromCache(c, request);
    if (isThenable(hit)) hit = await hit;
    if (hit !== undefined) {
      const { fresh, swr, sie } = hit.page;
      const state = __freshness(nowSeconds(clock), fresh, swr, sie);
      if (state === FRESH) return serve(hit, request);
      if (state === STALE) {
        refresh(c, request, rest);
        return serve(hit, request, "STALE");
      }
      if (state === STALE_IF_ERROR) {
        try {
          // Under a lease another instance holds, the stale page answers at once.
          const result = await leased(c, request, () => finish(c, request, rest), { stale: () => ({ hit }) });
          if (field(result, "hit") !== undefined) return serve(hit, request, "STALE");
          const response = result;
          if (response.status < 500) return response;
        } catch {
          // the origin failed: the stale response answers instead
        }
        return serve(hit, request, "STALE");
      }
    }
    // Concurrent misses for one URL share a handler call when the result would be served
    // to each of them anyway (same page key under the learned Vary list, stored).
    const flight = `${request.method} ${request.url}`;
    const { inflight } = flightsOf(c);
    if (nested) return finish(c, request, rest);
    const leader = inflight.joinable(flight);
    if (leader !== undefined) {
      const shared = await leader.catch(() => undefined);
      // Only what the cache lookup itself would give this request: same key, and a page
      // that may answer it (a request with Authorization is not served a shared page).
      if (shared !== undefined && pageKeyFor(request, request.method, shared.list, k) === shared.key && servable(shared.entry, request)) {
        return serve(shared.entry, request);
      }
      return finish(c, request, rest);
    }
    let settle;
    // Resolved in every case below; a handler that never answers is not joined past a minute.
    inflight.start(flight, new Promise((resolve) => (settle = resolve)));
    try {
      const result = await leased(c, request, () => finish(c, request, rest, true));
      // A Response, `[response, stored]` or `{ hit }`: only the last has its own `hit`.
      const leasedHit = field(result, "hit");
      if (leasedHit !== undefined) {
        settle(undefined);
        return serve(leasedHit, request);
      }
      const [response, stored] = result;
      settle(stored);
      return response;
    } catch (error) {
      settle(undefined);
      throw error;
    }
  };

  /** Refreshes a stale entry in the background (kept alive by the runtime's waitUntil). */
  function refresh(c, request, rest) {
    const flight = `${request.method} ${request.url}`;
    const { refreshing } = flightsOf(c);
    if (refreshing.has(flight)) return;
    refreshing.add(flight);
    // Under a lease, the refresh runs in the one instance that takes it.
    const work = leased(c, request, () => finish(c, request, rest), { onlyIfFree: true })
      .then((response) => response?.body?.cancel())
      .catch(() => {}) // a failed refresh leaves the stale entry for the next request
      .finally(() => refreshing.delete(flight));
    // Workers pass ctx after env: its waitUntil keeps the isolate alive for the refresh.
    const ctx = rest.find((arg) => arg && typeof arg.waitUntil === "function");
    if (waitUntil) waitUntil(work);
    else if (ctx) ctx.waitUntil(work);
  }

  /**
   * `compute()` under the fleet-wide lease of the request's URL when `lock` is on and `c` is an
   * async Cache; else `compute()`. A wait that sees a fresh page answers `{ hit }`.
   */
  function leased(c, request, compute, how = {}) {
    if (lock === undefined || lock === false || typeof c[LEASED] !== "function") return compute();
    const read = async () => {
      const hit = await fetchFromCache(c, request);
      const fresh = hit !== undefined && __freshness(nowSeconds(clock), hit.page.fresh, hit.page.swr, hit.page.sie) === FRESH;
      return fresh ? { value: { hit } } : undefined;
    };
    return c[LEASED](headerKeyFor(request, k), lock, compute, { read, ...how });
  }

  async function finish(c, request, rest, withStored = false) {
    const response = responseOf(await call(request, rest));
    const result = await updateCache(c, request, response);
    return withStored ? result : result[0];
  }
}

/** Django's `cache_page(timeout)`: the middleware with a page timeout that beats max-age. */
export function cachePage(handler, options = {}) {
  // Django's cache_page(timeout)(view) takes the timeout first: here the handler comes first.
  if (typeof handler !== "function" && typeof options === "function") {
    throw typeError("INVALID_ARGUMENT", "cachePage(handler, { timeout }) takes the handler first, then its options");
  }
  if (typeof options === "number") {
    throw typeError("INVALID_TIMEOUT", `cachePage takes its timeout in an options object: cachePage(handler, { timeout: ${options} })`);
  }
  if (typeof handler === "number") {
    // Django's cache_page(60)(view): a decorator factory; here one call takes both.
    throw typeError("INVALID_ARGUMENT", `cachePage takes the handler first and the timeout in options: cachePage(handler, { timeout: ${handler} })`);
  }
  const { timeout, cache, keyPrefix, ...rest } = ownOptions(options, "cachePage(handler, options)");
  if (typeof timeout !== "number" && timeout !== null) {
    const got = timeout === undefined ? "none" : `${typeof timeout} ${JSON.stringify(String(timeout))}`;
    throw typeError("INVALID_TIMEOUT", `cachePage needs { timeout } in seconds (a number, or null for ever), got ${got}`);
  }
  return cacheMiddleware(handler, { ...rest, pageTimeout: timeout ?? undefined, cache, keyPrefix });
}

/**
 * The cache middleware as a Hono middleware: `app.use("/products/*", honoCache({ timeout: 60 }))`.
 * `timeout` makes it cachePage; without it, cacheMiddleware (max-age, then `cacheTimeout`).
 */
export function honoCache(options = {}) {
  if (typeof options === "number") {
    throw typeError("INVALID_OPTIONS", `honoCache takes its timeout in an options object: honoCache({ timeout: ${options} })`);
  }
  const { timeout, cache, ...rest } = ownOptions(options, "honoCache(options)");
  // `cache: (c) => cache` picks the cache from Hono's context (its env) per request.
  const perRequest = typeof cache === "function" ? (request, run, ctx, context) => cache(context) : cache;
  const settings = timeout === undefined ? { ...rest, cache: perRequest } : { ...rest, cache: perRequest, pageTimeout: timeout ?? undefined };
  // The handler runs the rest of Hono's chain for this request (passed as an argument).
  const middleware = cacheMiddleware((request, run) => run(), settings);
  async function edgecache(c, next) {
    let ctx;
    try {
      ctx = c.executionCtx; // a getter that throws outside Workers
    } catch {
      ctx = undefined;
    }
    const response = await middleware(c.req.raw, async () => {
      await next();
      return c.res;
    }, ctx, c);
    c.res = response;
    return response;
  }
  edgecache.on = middleware.on;
  edgecache.off = middleware.off;
  return edgecache;
}
