// What every runtime loader calls once the wasm instance exists (module bodies run after
// their imports, so this cannot happen in api.js).
import { __setKvFactory } from "./edgecache.js";
import { Cache } from "./cache.js";
import { attachMemory } from "./fast.js";

/**
 * Hooks the instance up: the fast path's memory view and `backend: "kv"` in the registry.
 * `native` gives the runtime's faster codecs over wasm memory, if it has them (see attachMemory).
 */
export function ready(instance, native) {
  attachMemory(instance.memory, native);
  // A registry cache is named by its alias unless its settings name it (events carry it).
  __setKvFactory((settings, alias) => new Cache({ name: alias, ...settings }));
}
