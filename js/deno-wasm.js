// The wasm as Deno loads modules (a source phase import): no --allow-read, and cached with the
// rest of the module graph. js/deno.js imports this file and falls back where it fails to parse.
import source module from "./edgecache_bg.wasm";

export default module;
