// Browsers: compilation must be asynchronous, so this module awaits it at the top level;
// `import { MemoryCache } from "edgecache"` resolves once the cache is ready to use.
import init from "./edgecache.js";
import { ready } from "./ready.js";

ready(await init({ module_or_path: new URL("./edgecache_bg.wasm", import.meta.url) }));

export * from "./api.js";
