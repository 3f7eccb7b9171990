// The public API every runtime loader re-exports: the generated bindings, the async Cache
// and its store adapters, plus `cache`, Django's proxy for the "default" alias.
import "./fast.js";
import "./extras.js";

export { MemoryCache, DummyCache, configureCaches, getCache, makeTemplateFragmentKey } from "./edgecache.js";
export { cacheFragment, streamFragments } from "./fragments.js";
export { Cache } from "./cache.js";
export { sessions, getSession, Session } from "./sessions.js";
export { stores } from "./stores/index.js";
export {
  cachePage,
  cacheMiddleware,
  patchCacheControl,
  getMaxAge,
  patchResponseHeaders,
  addNeverCacheHeaders,
  patchVaryHeaders,
  hasVaryHeader,
  getCacheKey,
  learnCacheKey,
  honoCache,
} from "./http.js";

export { cache } from "./default-cache.js";
