// One code path for both caches: MemoryCache answers synchronously, Cache with Promises.
import { coded } from "./boundary.js";

/**
 * True for a Promise or any thenable. Reading `then` of a revoked Proxy throws: that is a value
 * that cannot be cached (UNSERIALIZABLE_VALUE, as a set of it is); a caller's own getter's
 * error is rethrown unchanged.
 */
export function isThenable(x) {
  if (x === null || (typeof x !== "object" && typeof x !== "function")) return false;
  let then;
  try {
    then = x.then;
  } catch (error) {
    throw coded(error, "UNSERIALIZABLE_VALUE", "the value could not be read");
  }
  return typeof then === "function";
}

/** `f(x)` now when `x` is a plain value, after it resolves when it is a Promise. */
export function then(x, f) {
  return isThenable(x) ? x.then(f) : f(x);
}
