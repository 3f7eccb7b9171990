// Django's django.utils.cache header helpers over Headers and Responses (the rules are in
// Rust: src/web/http/), and the small pieces the keys and the middleware share.
import { ensure, isIterable, reading, typeError } from "../errors.js";
import { __patchCacheControl, __maxAge, __patchVary, __hasVary, __httpDate } from "../edgecache.js";

export const DEFAULT_SECONDS = 600; // Django's CACHE_MIDDLEWARE_SECONDS
export const [FRESH, STALE, STALE_IF_ERROR] = [0, 1, 2]; // __freshness

/** The Headers of a Response, or the Headers object itself. */
export function headersOf(target) {
  const found = reading(() => {
    if (typeof Headers !== "undefined" && target instanceof Headers) return target;
    if (target && target.headers && typeof target.headers.get === "function") return target.headers;
    return undefined;
  }, "INVALID_ARGUMENT", "expected a Response or a Headers object");
  if (found === undefined) throw typeError("INVALID_ARGUMENT", "expected a Response or a Headers object");
  return found;
}

export const header = (h, name) => h.get(name) ?? undefined;
export const nowSeconds = (clock) => (clock ? clock.now() : Date.now()) / 1000;

/** Django's `patch_cache_control`: sets `directives` (`{ maxAge: 60, public: true }`) on Cache-Control. */
export function patchCacheControl(target, directives) {
  const h = headersOf(target);
  h.set("Cache-Control", __patchCacheControl(header(h, "cache-control"), directives));
}

/** Django's `get_max_age`: the max-age directive as an integer, or null. */
export function getMaxAge(response) {
  return __maxAge(header(headersOf(response), "cache-control")) ?? null;
}

/** Django's `patch_response_headers`: Expires (if absent) and max-age for `timeout` seconds (default 600). */
export function patchResponseHeaders(response, timeout = DEFAULT_SECONDS, { clock } = {}) {
  // NaN and +Infinity make no date (Django raises ValueError or OverflowError); -Infinity is 0.
  if (timeout !== null && (typeof timeout !== "number" || Number.isNaN(timeout) || timeout === Infinity)) {
    throw typeError("INVALID_TIMEOUT", `the timeout must be a finite number of seconds or null, got ${typeof timeout === "number" ? timeout : typeof timeout}`);
  }
  const h = headersOf(response);
  const t = Math.max(0, timeout ?? DEFAULT_SECONDS);
  // Both values first: where Django raises (a date past year 9999, an old max-age that is not
  // an integer), the headers stay as they were.
  const expires = h.has("expires") ? undefined : __httpDate(nowSeconds(clock) + t);
  const cacheControl = __patchCacheControl(header(h, "cache-control"), { max_age: t });
  if (expires !== undefined) h.set("Expires", expires);
  h.set("Cache-Control", cacheControl);
}

/** Django's `add_never_cache_headers`. */
export function addNeverCacheHeaders(response, options) {
  patchResponseHeaders(response, -1, options);
  patchCacheControl(response, { no_cache: true, no_store: true, must_revalidate: true, private: true });
}

/** Django's `patch_vary_headers`. */
export function patchVaryHeaders(response, names) {
  // Any iterable, as Django's (a string is one, character by character, there too).
  const what = "patchVaryHeaders needs a list of header names";
  ensure(isIterable, names, "INVALID_ARGUMENT", what);
  const h = headersOf(response);
  h.set("Vary", __patchVary(header(h, "vary"), reading(() => [...names].map(String), "INVALID_ARGUMENT", what)));
}

/** Django's `has_vary_header`. */
export function hasVaryHeader(response, name) {
  return __hasVary(header(headersOf(response), "vary"), reading(() => String(name), "INVALID_ARGUMENT", "hasVaryHeader needs a header name"));
}
