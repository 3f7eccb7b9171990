// getOrSet's refresh options, shared by MemoryCache (js/extras.js) and Cache (js/cache.js):
// serve-stale, XFetch early refresh and background refreshes registered with waitUntil.
// Which state a read is in is decided in Rust (serve_state); this file only runs factories.
import { coded } from "./boundary.js";
import { typeError } from "./errors.js";
import { isThenable } from "./maybe.js";

const REFRESH_OPTIONS = ["staleWhileRevalidate", "staleIfError", "beta", "waitUntil"];

/** True when getOrSet's options ask for more than Django's behaviour. */
export function wantsRefresh(options) {
  if (options === null || typeof options !== "object") return false;
  try {
    return REFRESH_OPTIONS.some((name) => options[name] !== undefined);
  } catch (e) {
    throw coded(e, "INVALID_OPTIONS", "getOrSet options could not be read");
  }
}

/** The options object of a write, with the factory's measured cost. */
export function writeOptions(options, computeTime) {
  const base = options !== null && typeof options === "object" ? options : { timeout: options };
  return { ...base, computeTime };
}

const now = () => (globalThis.performance?.now?.() ?? Date.now()) / 1000;

/** Calls the factory (or takes the default), measuring seconds: `[value, seconds]`, maybe a Promise. */
export function produce(defaultOrFactory) {
  if (typeof defaultOrFactory !== "function") return [defaultOrFactory, 0];
  const start = now();
  const value = defaultOrFactory();
  if (isThenable(value)) {
    return value.then((v) => [v, now() - start]);
  }
  return [value, now() - start];
}

/** Hands a background refresh to `waitUntil` (a function, or an object with one: ctx). */
export function register(options, promise) {
  const waitUntil = options?.waitUntil;
  if (waitUntil === undefined) return;
  if (typeof waitUntil === "function") waitUntil(promise);
  else if (waitUntil !== null && typeof waitUntil.waitUntil === "function") waitUntil.waitUntil(promise);
  else throw typeError("INVALID_OPTIONS", "waitUntil must be a function or an object with waitUntil() (an ExecutionContext)");
}
