// One code path for both caches: MemoryCache answers synchronously, Cache with Promises.

/** True for a Promise or any thenable. */
export function isThenable(x) {
  return x !== null && (typeof x === "object" || typeof x === "function") && typeof x.then === "function";
}

/** `f(x)` now when `x` is a plain value, after it resolves when it is a Promise. */
export function then(x, f) {
  return isThenable(x) ? x.then(f) : f(x);
}
