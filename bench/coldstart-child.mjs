// A fresh process: compile + instantiate the package's wasm, as the node loader does.
import { readFileSync } from "node:fs";
const bytes = readFileSync(new URL("../pkg/edgecache_bg.wasm", import.meta.url));
const glue = await import("../pkg/edgecache.js");
const t0 = performance.now();
glue.initSync({ module: bytes });
const ms = performance.now() - t0;
new glue.MemoryCache().set("k", "v");
console.log(JSON.stringify({ ms }));
