// What every runtime loader calls once the wasm instance exists (module bodies run after
// their imports, so this cannot happen in api.js).
import { __setKvFactory } from "./edgecache.js";
import { Cache } from "./cache.js";
import { attachMemory } from "./fast.js";

/**
 * Hooks the instance up: the fast path's memory view and `backend: "kv"` in the registry.
 * `asciiDecoder` is the runtime's fastest ASCII decoder, if it has one (see attachMemory).
 */
export function ready(instance, asciiDecoder) {
  attachMemory(instance.memory, asciiDecoder);
  __setKvFactory((settings) => new Cache(settings));
}
