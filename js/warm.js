// Cache warming: run loaders with a concurrency limit and store what they return.
import { callHook, reading, typeError } from "./errors.js";
import { __checkWriteOptions } from "./edgecache.js";

/**
 * Runs each loader of `loaders` (`{ key: () => value | Promise<value> }` or a Map) at most
 * `concurrency` at a time and stores the results with `set(key, value, options)`.
 * Resolves `{ stored: keys, failed: [{ key, error }] }`; a failing loader stores nothing.
 * `onProgress({ key, ok, error, done, total, stored, failed })` is called as each loader
 * settles (counts so far); what it throws is reported, never rethrown.
 */
export async function warm(cache, loaders, options = {}) {
  if (loaders === null || typeof loaders !== "object") {
    throw typeError("INVALID_LOADERS", "warm() takes an object or Map of key -> loader function");
  }
  const [concurrency, onProgress, writeOptions] = reading(() => {
    const { concurrency = 4, onProgress, ...writeOptions } = options ?? {};
    return [concurrency, onProgress, writeOptions];
  }, "INVALID_OPTIONS", "warm(): the options could not be read");
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw typeError("INVALID_OPTIONS", "concurrency must be a positive integer");
  }
  if (onProgress !== undefined && typeof onProgress !== "function") {
    throw typeError("INVALID_OPTIONS", "onProgress must be a function");
  }
  // The rest are the writes' options: checked now, so a typo fails warm() and not each write.
  __checkWriteOptions(writeOptions);
  const jobs = reading(() => (loaders instanceof Map ? [...loaders] : Object.entries(loaders)), "INVALID_LOADERS", "the loaders could not be read");
  for (const [key, load] of jobs) {
    if (typeof load !== "function") throw typeError("INVALID_LOADERS", `the loader of '${key}' is not a function`);
  }
  const stored = [];
  const failed = [];
  const counts = { hookErrors: 0 }; // (own from the start: never a host setter)
  const progress = (key, error) => {
    if (onProgress === undefined) return;
    const ok = error === undefined;
    const report = { key, ok, ...(ok ? {} : { error }), done: stored.length + failed.length, total: jobs.length, stored: stored.length, failed: failed.length };
    callHook("onProgress", onProgress, counts, report);
  };
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const [key, load] = jobs[next++];
      try {
        const value = await load();
        await cache.set(key, value, writeOptions);
        stored.push(key);
        progress(key);
      } catch (error) {
        failed.push({ key, error });
        progress(key, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
  return { stored, failed };
}
