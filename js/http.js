// Django's HTTP cache helpers and cache middleware for fetch handlers. Every rule (header
// parsing and patching, keys, what may be stored, Age, 304s) is in Rust (src/web/http/); the
// modules of js/http/ read and write Headers and Responses and await the cache.
export { patchCacheControl, getMaxAge, patchResponseHeaders, addNeverCacheHeaders, patchVaryHeaders, hasVaryHeader } from "./http/headers.js";
export { resolveCache, getCacheKey, learnCacheKey } from "./http/keys.js";
export { cacheMiddleware, cachePage, honoCache } from "./http/middleware.js";
