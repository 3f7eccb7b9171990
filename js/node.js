// Node (and Bun): instantiate synchronously from the file next to this one.
import { Buffer } from "node:buffer";
import { readFileSync } from "node:fs";
import { initSync } from "./edgecache.js";
import { ready } from "./ready.js";

// Buffer's codecs over wasm memory: latin1 decoding makes a short ASCII string in about half
// TextDecoder's time, and utf8Write encodes without the view and result objects encodeInto
// allocates. latin1Slice and utf8Write (what toString and write call, in Node and Bun) skip
// the public methods' dispatch; the public methods stand in where they are missing.
const native = (memory) => {
  const view = Buffer.from(memory);
  return {
    decodeAscii: typeof view.latin1Slice === "function" ? (start, end) => view.latin1Slice(start, end) : (start, end) => view.toString("latin1", start, end),
    encodeUtf8: typeof view.utf8Write === "function" ? (text, start, max) => view.utf8Write(text, start, max) : (text, start, max) => view.write(text, start, max, "utf8"),
  };
};

ready(initSync({ module: readFileSync(new URL("./edgecache_bg.wasm", import.meta.url)) }), native);

export * from "./api.js";
