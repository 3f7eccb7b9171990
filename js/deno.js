// Deno: read the module synchronously when it is a local file (npm: and file: imports),
// else fetch it once at import.
import { initSync } from "./edgecache.js";
import { ready } from "./ready.js";

const url = new URL("./edgecache_bg.wasm", import.meta.url);
const bytes = url.protocol === "file:"
  ? Deno.readFileSync(url)
  : new Uint8Array(await (await fetch(url)).arrayBuffer());
ready(initSync({ module: bytes }));

export * from "./api.js";
