// Node (and Bun): instantiate synchronously from the file next to this one.
import { Buffer } from "node:buffer";
import { readFileSync } from "node:fs";
import { initSync } from "./edgecache.js";
import { ready } from "./ready.js";

// Buffer's latin1 decoding makes a short ASCII string in about half TextDecoder's time;
// latin1Slice (what toString("latin1") calls, in Node and Bun) skips toString's dispatch.
const latin1 = (memory) => {
  const view = Buffer.from(memory);
  if (typeof view.latin1Slice === "function") return (start, end) => view.latin1Slice(start, end);
  return (start, end) => view.toString("latin1", start, end);
};

ready(initSync({ module: readFileSync(new URL("./edgecache_bg.wasm", import.meta.url)) }), latin1);

export * from "./api.js";
