// Django's page keys: the header key of a URL, the header list learned for it, and the
// page key of a request (getCacheKey, learnCacheKey). Keys are made in Rust and remembered.
import { isArraySafe } from "../boundary.js";
import { ensure, ownOptions, typeError } from "../errors.js";
import { getCache, __headerKey, __pageKey, __learnList } from "../edgecache.js";
import { remembered } from "../memo.js";
import { DEFAULT_SECONDS, headersOf, header } from "./headers.js";

/** The cache an option names: an alias, a MemoryCache or a Cache (default: the "default" alias). */
export function resolveCache(cache) {
  if (cache === undefined || cache === null) return getCache("default");
  if (typeof cache === "string") return getCache(cache);
  if (typeof cache.get === "function" && typeof cache.set === "function") return cache;
  throw typeError("INVALID_OPTION", "option 'cache' must be a cache alias, a MemoryCache or a Cache");
}

export const MEMO_LIMIT = 512;
const headerNames = new Map();

/** `HTTP_ACCEPT_ENCODING` -> `accept-encoding` (remembered: a header list is read on every hit). */
export const headerName = (meta) => remembered(headerNames, meta, () => meta.slice(5).replace(/_/g, "-").toLowerCase(), MEMO_LIMIT);

/** A request header's value, or null: Django reads a name no request can carry ("" from an empty `Vary`, or an invalid one) as absent. */
export function headerValue(request, name) {
  if (name === "") return null;
  try {
    return request.headers.get(name);
  } catch {
    return null;
  }
}

/** Django's `build_absolute_uri()`: a bare `?` (an empty query) is dropped. */
export function keyUrl(url) {
  return url.endsWith("?") && url.indexOf("?") === url.length - 1 ? url.slice(0, -1) : url;
}

export function keyOptions(o) {
  const format = o.keyFormat ?? "unambiguous";
  if (format !== "unambiguous" && format !== "django") {
    throw typeError("INVALID_OPTION", `option 'keyFormat' must be "unambiguous" or "django", got ${String(format)}`);
  }
  const prefix = o.keyPrefix ?? "";
  const language = o.language ?? undefined;
  const timeZone = o.timeZone ?? undefined;
  // Strings for the key functions in wasm, checked here: another type there is not an error
  // but garbage bytes (wasm-bindgen does not check a string argument's type).
  for (const [name, value] of [["keyPrefix", prefix], ["language", language], ["timeZone", timeZone]]) {
    if (value !== undefined && typeof value !== "string") {
      throw typeError("INVALID_OPTION", `option '${name}' must be a string, got ${describeType(value)}`);
    }
  }
  return { prefix, language, timeZone, django: format === "django", memo: new Map() };
}

/**
 * `request` when it reads as a fetch Request (a string url and method, headers with get), else
 * INVALID_ARGUMENT: its url and method become key bytes in wasm, which must be strings.
 */
export function requestOf(request, what) {
  return ensure(isRequest, request, "INVALID_ARGUMENT", `${what} needs a Request`);
}

const isRequest = (r) => r !== null && typeof r === "object" && typeof r.url === "string" && typeof r.method === "string" && typeof r.headers?.get === "function";

/** The type of an option's value for an error message (never its content: it may be a secret). */
function describeType(value) {
  return value === null ? "null" : isArraySafe(value) ? "an array" : typeof value;
}

// Page keys remembered per URL (a URL's variants: methods and header values).
const PAGES_PER_URL = 64;

/**
 * The keys made for `url`, remembered (bounded): `{ header, pages }`, its header key once made
 * and its page keys by variant. Keyed by the URL string itself, which the request already
 * holds hashed: a key built per lookup (`"H" + url`) cost more than the look-up.
 */
function keysOf(k, url) {
  let keys = k.memo.get(url);
  if (keys === undefined) {
    if (k.memo.size >= MEMO_LIMIT) k.memo.clear();
    keys = { header: undefined, pages: new Map() };
    k.memo.set(url, keys);
  }
  return keys;
}

/** Django's cache_header key of the request's URL (Rust's md5 key, made once per URL). */
export function headerKeyFor(request, k) {
  const url = keyUrl(request.url);
  const keys = keysOf(k, url);
  return (keys.header ??= __headerKey(k.prefix, url, k.language, k.timeZone));
}

/**
 * The variant's id among a URL's page keys: the method, then each header value
 * length-prefixed (`null`, an absent header, as `!`). One-to-one, whatever a value holds:
 * a value of "\u0001" once shared the id of an absent header and so its page key.
 */
function variantId(method, values) {
  let id = method;
  for (const v of values) id += v === null ? "\0!" : `\0${v.length}:${v}`;
  return id;
}

/**
 * Django's `get_cache_key`: the page key of `request` from the header list learned for its
 * URL, or null when nothing was learned.
 */
export async function getCacheKey(request, options) {
  const { keyPrefix, method = "GET", cache, language, timeZone, keyFormat } = ownOptions(options, "getCacheKey(request, options)");
  requestOf(request, "getCacheKey");
  if (typeof method !== "string") throw typeError("INVALID_OPTION", `option 'method' must be a string, got ${describeType(method)}`);
  const k = keyOptions({ keyPrefix, language, timeZone, keyFormat });
  const c = resolveCache(cache);
  const list = await c.get(headerKeyFor(request, k));
  if (list === undefined || list === null) return null;
  return pageKeyFor(request, method, list, k);
}

export function pageKeyFor(request, method, list, k) {
  const values = list.map((name) => headerValue(request, headerName(name)));
  const url = keyUrl(request.url);
  const { pages } = keysOf(k, url);
  return remembered(pages, variantId(method, values), () => __pageKey(k.prefix, method, url, values, k.language, k.timeZone, k.django), PAGES_PER_URL);
}

/**
 * Django's `learn_cache_key`: stores the response's Vary header list for the request's URL
 * and returns the page key for the request's method.
 */
export async function learnCacheKey(request, response, options) {
  const { timeout = DEFAULT_SECONDS, keyPrefix, cache, language, timeZone, keyFormat } = ownOptions(options, "learnCacheKey(request, response, options)");
  requestOf(request, "learnCacheKey");
  const k = keyOptions({ keyPrefix, language, timeZone, keyFormat });
  const list = __learnList(header(headersOf(response), "vary"), k.language !== undefined);
  await resolveCache(cache).set(headerKeyFor(request, k), list, timeout);
  return pageKeyFor(request, request.method, list, k);
}
