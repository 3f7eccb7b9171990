// What every runtime loader of `edgecache/memory` calls once the wasm instance exists. No
// `backend: "kv"` here: that needs the async Cache of the full entry (configureCaches says so).
import { attachMemory } from "./fast.js";

/** Hooks the fast path's memory view up; `native` as in the full entry's ready.js. */
export function ready(instance, native) {
  attachMemory(instance.memory, native);
}
