// MemoryCache methods that run user code around the Rust core: getOrSet's refresh options
// (the state of each read is decided in Rust), namespaces and warming.
import { MemoryCache } from "./edgecache.js";
import { field } from "./encode.js";
import { Flights } from "./flights.js";
import { Namespace, invalidateNamespace } from "./namespace.js";
import { produce, register, wantsRefresh, writeOptions } from "./refresh.js";
import { isThenable } from "./maybe.js";
import { warm } from "./warm.js";
import { notify } from "./memory-events.js";
import { now, since } from "./events.js";

const djangoGetOrSet = MemoryCache.prototype.getOrSet;
// Background refreshes and async factories in flight, per cache and key (single flight), each
// joined only in its first minute (js/flights.js), by the system clock: this side does not
// see the cache's own.
const flights = new WeakMap();
const seconds = () => Date.now() / 1000;

function inFlight(cache) {
  let f = flights.get(cache);
  if (f === undefined) flights.set(cache, (f = new Flights(seconds)));
  return f;
}

/** Runs the factory and stores its value; a Promise when the factory returns one. */
function compute(cache, key, defaultOrFactory, options) {
  const made = cache.makeKey(key, options?.version);
  const pending = inFlight(cache).joinable(made);
  if (pending !== undefined) return pending;
  const produced = produce(defaultOrFactory);
  const store = ([value, seconds]) => {
    cache.set(key, value, writeOptions(options, seconds));
    return value;
  };
  if (!isThenable(produced)) return store(produced);
  return inFlight(cache).start(made, produced.then(store));
}

function refreshInBackground(cache, key, defaultOrFactory, options) {
  const made = cache.makeKey(key, options?.version);
  const pending = inFlight(cache);
  if (pending.joinable(made) !== undefined) return;
  const started = now();
  notify(cache, "refresh", () => made);
  const run = Promise.resolve()
    .then(() => produce(defaultOrFactory))
    .then(([value, seconds]) => {
      cache.set(key, value, writeOptions(options, seconds));
      notify(cache, "refreshed", () => made, { duration: since(started) });
      return value;
    }, (error) => {
      notify(cache, "refreshed", () => made, { duration: since(started), error });
      throw error;
    });
  pending.start(made, run);
  // A failed refresh keeps the stale value; the next read tries again.
  register(options, run.catch(() => undefined));
}

Object.defineProperties(MemoryCache.prototype, {
  getOrSet: {
    value: function getOrSet(key, defaultOrFactory, options) {
      if (!wantsRefresh(options)) return djangoGetOrSet.call(this, key, defaultOrFactory, options);
      if (defaultOrFactory === undefined) return djangoGetOrSet.call(this, key, defaultOrFactory, options);
      const found = this.__readStale(key, options);
      const state = field(found, "state") ?? "miss";
      const made = () => this.makeKey(key, options?.version);
      // As the async Cache counts: fresh and early are hits; a stale value served is a miss.
      notify(this, state === "fresh" || state === "early" ? "hit" : "miss", made);
      if (state === "fresh") return found.value;
      if (state === "early" || state === "revalidate") {
        if (state === "revalidate") notify(this, "stale", made);
        refreshInBackground(this, key, defaultOrFactory, options);
        return found.value;
      }
      if (state !== "ifError") return compute(this, key, defaultOrFactory, options);
      const stale = () => {
        notify(this, "stale", made);
        return found.value;
      };
      try {
        const value = compute(this, key, defaultOrFactory, options);
        return isThenable(value) ? value.catch(stale) : value;
      } catch {
        return stale();
      }
    },
    writable: true,
    configurable: true,
  },
  namespace: {
    value: function namespace(name) {
      return new Namespace(this, name);
    },
    writable: true,
    configurable: true,
  },
  invalidateNamespace: {
    value: function (name) {
      return invalidateNamespace(this, name);
    },
    writable: true,
    configurable: true,
  },
  warm: {
    value: function (loaders, options) {
      return warm(this, loaders, options);
    },
    writable: true,
    configurable: true,
  },
});
