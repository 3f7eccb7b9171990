// The API of `edgecache/memory`: the synchronous caches, the registry and fragment keys, from a
// wasm build without the async tier, HTTP rules and sessions. Each entry has its own wasm
// instance, so a registry configured through "edgecache" is not the one of "edgecache/memory".
import "./fast.js";
import "./extras.js";

export { MemoryCache, DummyCache, configureCaches, getCache, makeTemplateFragmentKey } from "./edgecache.js";
export { cache } from "./default-cache.js";
