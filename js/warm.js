// Cache warming: run loaders with a concurrency limit and store what they return.
import { typeError } from "./errors.js";

/**
 * Runs each loader of `loaders` (`{ key: () => value | Promise<value> }` or a Map) at most
 * `concurrency` at a time and stores the results with `set(key, value, options)`.
 * Resolves `{ stored: keys, failed: [{ key, error }] }`; a failing loader stores nothing.
 */
export async function warm(cache, loaders, options = {}) {
  if (loaders === null || typeof loaders !== "object") {
    throw typeError("INVALID_LOADERS", "warm() takes an object or Map of key -> loader function");
  }
  const { concurrency = 4, ...writeOptions } = options ?? {};
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw typeError("INVALID_OPTIONS", "concurrency must be a positive integer");
  }
  const jobs = loaders instanceof Map ? [...loaders] : Object.entries(loaders);
  for (const [key, load] of jobs) {
    if (typeof load !== "function") throw typeError("INVALID_LOADERS", `the loader of '${key}' is not a function`);
  }
  const stored = [];
  const failed = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const [key, load] = jobs[next++];
      try {
        const value = await load();
        await cache.set(key, value, writeOptions);
        stored.push(key);
      } catch (error) {
        failed.push({ key, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
  return { stored, failed };
}
