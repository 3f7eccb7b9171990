// Deno: the wasm is imported as a module (js/deno-wasm.js), so `deno run` needs no
// --allow-read. A Deno without source phase imports fails to parse that file: there the module
// is read (a local file: npm: and file: imports; --allow-read) or fetched once at import.
import { initSync } from "./edgecache.js";
import { ready } from "./ready.js";
import { streamSocket, useSockets } from "./sockets.js";

async function wasmModule() {
  try {
    return (await import("./deno-wasm.js")).default;
  } catch {
    const url = new URL("./edgecache_bg.wasm", import.meta.url);
    return url.protocol === "file:" ? Deno.readFileSync(url) : new Uint8Array(await (await fetch(url)).arrayBuffer());
  }
}
ready(initSync({ module: await wasmModule() }));
useSockets(async ({ host, port }, handlers) => streamSocket(await Deno.connect({ hostname: host, port }), handlers));

export * from "./api.js";
