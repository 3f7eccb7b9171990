// Node (and Bun): instantiate synchronously from the file next to this one.
import { Buffer } from "node:buffer";
import { readFileSync } from "node:fs";
import { initSync } from "./edgecache.js";
import { ready } from "./ready.js";

// Buffer's codecs over wasm memory: latin1 decoding makes a short ASCII string in about half
// TextDecoder's time, and utf8Write encodes without the view and result objects encodeInto
// allocates. latin1Slice and utf8Write (what toString and write call, in Node and Bun) skip
// the public methods' dispatch; the public methods stand in where they are missing. They are
// read once and called with `call`: V8 left `view.latin1Slice` a generic property load in the
// optimised get (seen with --print-opt-code).
const native = (memory) => {
  const view = Buffer.from(memory);
  const { latin1Slice, utf8Write } = view;
  return {
    decodeAscii: typeof latin1Slice === "function" ? (start, end) => latin1Slice.call(view, start, end) : (start, end) => view.toString("latin1", start, end),
    encodeUtf8: typeof utf8Write === "function" ? (text, start, max) => utf8Write.call(view, text, start, max) : (text, start, max) => view.write(text, start, max, "utf8"),
  };
};

ready(initSync({ module: readFileSync(new URL("./edgecache_bg.wasm", import.meta.url)) }), native);

export * from "./api.js";
