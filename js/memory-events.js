// Events of MemoryCache (js/events.js): hit, miss, stale, refresh, refreshed and evict. The
// reads are the hot path, so nothing changes for a cache without a listener: its first listener
// gives that instance its own observing get, getMany and getOrSet, and its last one removed
// deletes them. (Swapping the prototype's methods instead made every cache slower after a few
// swaps: V8 turns a prototype redefined often into a slow dictionary.) Evictions come from the
// core's removal listener.
import { MemoryCache } from "./edgecache.js";
import { Events } from "./events.js";
import { wantsRefresh } from "./refresh.js";

const MEMORY_EVENTS = ["hit", "miss", "stale", "refresh", "refreshed", "evict"];
const MISSING = Symbol("missing");
const sources = new WeakMap();
let watching = 0;
// The methods every cache without a listener uses (js/fast.js and js/extras.js put them on the
// prototype; an observed instance's own methods shadow them and call them).
const plain = MemoryCache.prototype;

/** Emits `type` for `cache` when it has listeners (js/extras.js: refreshes and stale reads). */
export function notify(cache, type, key, detail) {
  if (watching === 0) return;
  const events = sources.get(cache);
  if (events !== undefined && events.has(type)) events.emit(type, key(), detail);
}

/** Emits a hit or a miss of `key` (made lazily: only when someone listens). */
function read(events, cache, key, version, hit) {
  const type = hit ? "hit" : "miss";
  if (events.has(type)) events.emit(type, cache.makeKey(key, version));
}

const observing = {
  get(key, defaultValue, options) {
    const events = sources.get(this);
    if (events === undefined) return plain.get.call(this, key, defaultValue, options);
    const value = plain.get.call(this, key, MISSING, options);
    read(events, this, key, options?.version, value !== MISSING);
    return value === MISSING ? defaultValue : value;
  },
  getMany(keys, options) {
    const events = sources.get(this);
    if (events === undefined) return plain.getMany.call(this, keys, options);
    let list = keys;
    try {
      if (!Array.isArray(keys) && typeof keys !== "string") list = Array.from(keys);
    } catch {
      return plain.getMany.call(this, keys, options); // not iterable: its coded error
    }
    const found = plain.getMany.call(this, list, options);
    for (const key of typeof list === "string" ? [list] : list) read(events, this, key, options?.version, found.has(key));
    return found;
  },
  getOrSet(key, defaultOrFactory, options) {
    const events = sources.get(this);
    // With refresh options js/extras.js knows each read's state and emits it.
    if (events === undefined || defaultOrFactory === undefined || wantsRefresh(options)) {
      return plain.getOrSet.call(this, key, defaultOrFactory, options);
    }
    // Django calls the default only on a miss: a call is how the miss shows.
    let missed = false;
    const factory = () => {
      missed = true;
      return typeof defaultOrFactory === "function" ? defaultOrFactory() : defaultOrFactory;
    };
    const value = plain.getOrSet.call(this, key, factory, options);
    read(events, this, key, typeof options === "object" && options !== null ? options.version : undefined, !missed);
    return value;
  },
};

function watch(cache) {
  let events = sources.get(cache);
  if (events !== undefined) return events;
  events = new Events(cache.name, MEMORY_EVENTS);
  sources.set(cache, events);
  watching++;
  for (const [name, value] of Object.entries(observing)) {
    Object.defineProperty(cache, name, { value, writable: true, configurable: true });
  }
  return events;
}

function unwatch(cache) {
  sources.delete(cache);
  watching--;
  for (const name of Object.keys(observing)) delete cache[name];
}

Object.defineProperties(MemoryCache.prototype, {
  on: {
    /**
     * Calls `listener(event)` on each event of `type` (hit, miss, stale, refresh, refreshed,
     * evict); returns a function that removes it. Events carry `{ type, cache, key }` (the
     * made key) and `reason` (evict), `duration` and `error` (refreshed).
     */
    value: function on(type, listener) {
      const events = watch(this);
      let off;
      try {
        off = events.on(type, listener);
      } catch (error) {
        if (events.empty) unwatch(this);
        throw error;
      }
      if (type === "evict") this.__observeRemovals((key, reason) => events.emit("evict", key, { reason }));
      return off === undefined ? undefined : () => this.off(type, listener);
    },
    writable: true,
    configurable: true,
  },
  off: {
    /** Removes a listener added with on(). */
    value: function off(type, listener) {
      const events = sources.get(this);
      if (events === undefined) return;
      events.off(type, listener);
      if (type === "evict" && !events.has("evict")) this.__observeRemovals(undefined);
      if (events.empty) unwatch(this);
    },
    writable: true,
    configurable: true,
  },
});
