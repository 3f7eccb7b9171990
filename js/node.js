// Node (and Bun): instantiate synchronously from the file next to this one.
import { Buffer } from "node:buffer";
import { readFileSync } from "node:fs";
import { initSync } from "./edgecache.js";
import { ready } from "./ready.js";

// Buffer's latin1 decoding makes a short ASCII string in about half TextDecoder's time.
const latin1 = (memory) => {
  const view = Buffer.from(memory);
  return (start, end) => view.toString("latin1", start, end);
};

ready(initSync({ module: readFileSync(new URL("./edgecache_bg.wasm", import.meta.url)) }), latin1);

export * from "./api.js";
