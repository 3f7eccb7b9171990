// Node (and Bun): instantiate synchronously from the file next to this one.
import { readFileSync } from "node:fs";
import { initSync } from "./edgecache.js";
import { ready } from "./ready.js";

ready(initSync({ module: readFileSync(new URL("./edgecache_bg.wasm", import.meta.url)) }));

export * from "./api.js";
