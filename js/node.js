// Node (and Bun): instantiate synchronously from the file next to this one.
import { Buffer } from "node:buffer";
import { createRequire } from "node:module";
import { useRandom } from "./boundary.js";
import { codedError } from "./errors.js";
import { initSync } from "./edgecache.js";
import { ready } from "./ready.js";
import { nodeSockets } from "./sockets-node.js";
import { useSockets } from "./sockets.js";

// node:fs through require: an ES import of it builds its namespace, whose ReadStream getter
// loads Node's streams (~3 ms of a fresh process's start-up, bench/STARTUP.md).
const { closeSync, openSync, readFileSync, readSync } = createRequire(import.meta.url)("node:fs");

// Buffer's codecs over wasm memory: latin1 decoding makes a short ASCII string in about half
// TextDecoder's time, and utf8Write encodes without the view and result objects encodeInto
// allocates. latin1Slice and utf8Write (what toString and write call, in Node and Bun) skip
// the public methods' dispatch; the public methods stand in where they are missing. They are
// read once and called with `call`: V8 left `view.latin1Slice` a generic property load in the
// optimised get (seen with --print-opt-code).
const native = (memory) => {
  const view = Buffer.from(memory);
  const { latin1Slice, utf8Slice, utf8Write } = view;
  return {
    decodeAscii: typeof latin1Slice === "function" ? (start, end) => latin1Slice.call(view, start, end) : (start, end) => view.toString("latin1", start, end),
    decodeUtf8: typeof utf8Slice === "function" ? (start, end) => utf8Slice.call(view, start, end) : (start, end) => view.toString("utf8", start, end),
    encodeUtf8: typeof utf8Write === "function" ? (text, start, max) => utf8Write.call(view, text, start, max) : (text, start, max) => view.write(text, start, max, "utf8"),
  };
};

// The OS random source as a file, where there is one: Node loads WebCrypto (what the default
// source, crypto.getRandomValues, needs) in ~3 ms, a third of this package's start-up.
useRandom((bytes) => {
  let fd;
  try {
    fd = openSync("/dev/urandom", "r");
    for (let at = 0; at < bytes.length;) {
      const read = readSync(fd, bytes, at, bytes.length - at, null);
      if (read <= 0) throw new RangeError("a short read of /dev/urandom");
      at += read;
    }
  } catch {
    globalThis.crypto.getRandomValues(bytes);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
});

useSockets(nodeSockets);

/** The wasm beside this file; bundled without it (esbuild --platform=node), a clear error. */
function wasmBytes() {
  const url = new URL("./edgecache_bg.wasm", import.meta.url);
  try {
    return readFileSync(url);
  } catch (error) {
    if (error?.code !== "ENOENT") throw error;
    throw codedError("WASM_NOT_FOUND", `edgecache: ${url.pathname} is missing. A Node bundle must keep edgecache external (esbuild --external:edgecache) or ship edgecache_bg.wasm beside the bundle (copy it from node_modules/edgecache/).`, undefined, error);
  }
}

ready(initSync({ module: wasmBytes() }), native);

export * from "./api.js";
