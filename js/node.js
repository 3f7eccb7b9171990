// Node (and Bun): instantiate synchronously from the file next to this one.
import { readFileSync } from "node:fs";
import { initSync } from "./edgecache.js";
import { attachMemory } from "./fast.js";

const { memory } = initSync({ module: readFileSync(new URL("./edgecache_bg.wasm", import.meta.url)) });
attachMemory(memory);

export * from "./api.js";
