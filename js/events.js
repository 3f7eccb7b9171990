// Events of a cache, for dashboards and tracing: `cache.on(type, listener)` on MemoryCache,
// Cache and the handlers cachePage, cacheMiddleware and honoCache return. Nothing is made or
// called while a cache has no listener: the hot paths test one field (or, for MemoryCache,
// one module variable). Listeners run after the operation's work is done; what they throw is
// reported to console.error and counted, never passed to the caller. What a listener's own
// calls cause is not delivered (as onEvict's removals): a listener that reads the cache on
// every hit would otherwise feed itself forever.
import { callHook, typeError } from "./errors.js";

/** The event types of each kind of source. */
export const CACHE_EVENTS = ["hit", "miss", "stale", "refresh", "refreshed", "storeError", "corrupt", "evict", "leaseAcquired", "leaseWaited", "leaseTimeout"];
export const PAGE_EVENTS = ["hit", "miss", "stale", "bypass"];

/** The listeners of one source, by type. */
export class Events {
  #types;
  #listeners = new Map();
  #running = false;
  /** Counts what listeners threw (`hookErrors`). */
  counts;
  /** The name events carry. (Declared: defined on the instance, never a host's setter.) */
  name;

  constructor(name, types, counts = { hookErrors: 0 }) {
    this.name = name;
    this.#types = types;
    this.counts = counts;
  }

  /** Adds `listener` for `type`; returns a function that removes it. */
  on(type, listener) {
    if (!this.#types.includes(type)) {
      const name = typeof type === "string" ? type : `(a ${typeof type})`; // String() of a revoked Proxy throws
      throw typeError("UNKNOWN_EVENT", `no event '${name}' (known: ${this.#types.join(", ")})`);
    }
    if (typeof listener !== "function") throw typeError("INVALID_ARGUMENT", "an event listener must be a function");
    let set = this.#listeners.get(type);
    if (set === undefined) this.#listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => this.off(type, listener);
  }

  /** Removes `listener` from `type`. */
  off(type, listener) {
    const set = this.#listeners.get(type);
    set?.delete(listener);
    if (set?.size === 0) this.#listeners.delete(type);
  }

  /** True when nothing listens to anything. */
  get empty() {
    return this.#listeners.size === 0;
  }

  /** True when something listens to `type`. */
  has(type) {
    return this.#listeners.has(type);
  }

  /** True while a listener runs: operations it starts emit nothing. */
  get running() {
    return this.#running;
  }

  /** Calls each listener of `type` with `{ type, cache, key, ...detail }`. */
  emit(type, key, detail) {
    const set = this.#listeners.get(type);
    if (set === undefined || this.#running) return;
    const event = { type, cache: this.name, key, ...detail };
    this.#running = true;
    try {
      for (const listener of [...set]) callHook(`'${type}' listener`, listener, this.counts, event);
    } finally {
      this.#running = false;
    }
  }
}

/** Milliseconds since `start` (a `now()` reading; undefined when there was none). */
export const since = (start) => (start === undefined ? undefined : now() - start);
/** A monotonic clock in milliseconds where the runtime has one. */
export const now = () => globalThis.performance?.now?.() ?? Date.now();
