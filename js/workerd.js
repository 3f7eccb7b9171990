// Cloudflare workerd: the bundler (wrangler, or miniflare's module rules) hands the .wasm
// import over as a compiled WebAssembly.Module, which instantiates synchronously.
import wasmModule from "./edgecache_bg.wasm";
import { initSync } from "./edgecache.js";
import { ready } from "./ready.js";

ready(initSync({ module: wasmModule }));

export * from "./api.js";
