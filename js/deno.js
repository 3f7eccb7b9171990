// Deno: read the module synchronously when it is a local file (npm: and file: imports),
// else fetch it once at import.
import { initSync } from "./edgecache.js";
import { ready } from "./ready.js";
import { streamSocket, useSockets } from "./sockets.js";

const url = new URL("./edgecache_bg.wasm", import.meta.url);
const bytes = url.protocol === "file:"
  ? Deno.readFileSync(url)
  : new Uint8Array(await (await fetch(url)).arrayBuffer());
ready(initSync({ module: bytes }));
useSockets(async ({ host, port }, handlers) => streamSocket(await Deno.connect({ hostname: host, port }), handlers));

export * from "./api.js";
