// Service workers (and any module that may not await at its top level): service workers
// forbid top-level await and import(), so compilation starts here and `ready` resolves
// when the cache can be used. Await it before the first call, e.g. in the fetch handler.
import init from "./edgecache.js";
import { ready as attach } from "./ready.js";

/** Resolves once the WebAssembly module is instantiated; every export works after it. */
export const ready = init({ module_or_path: new URL("./edgecache_bg.wasm", import.meta.url) }).then(attach);

export * from "./api.js";
