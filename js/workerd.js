// Cloudflare workerd: the bundler (wrangler, or miniflare's module rules) hands the .wasm
// import over as a compiled WebAssembly.Module, which instantiates synchronously.
import wasmModule from "./edgecache_bg.wasm";
import { initSync } from "./edgecache.js";
import { ready } from "./ready.js";
import { streamSocket, useSockets } from "./sockets.js";

ready(initSync({ module: wasmModule }));
// cloudflare:sockets, imported on the first connection. A socket belongs to the request that
// opened it: another request's use fails, and the memcached adapter reconnects.
useSockets(async ({ host, port }, handlers) => {
  // A literal specifier (miniflare's module collection refuses others): bundlers keep
  // cloudflare:* external, as wrangler does by default (esbuild: --external:cloudflare:*).
  const { connect } = await import("cloudflare:sockets");
  const socket = connect({ hostname: host, port });
  await socket.opened;
  return streamSocket(socket, handlers);
});

export * from "./api.js";
