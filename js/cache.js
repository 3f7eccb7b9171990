// The async Cache: Django's API over a KV store adapter, with a memory tier in front.
// Every rule (keys, records, expiry, the tier) is in Rust (CacheCore); this file only
// awaits the store between CacheCore calls, bounds each store call in time and routes
// store failures to onError and the stats.
// Over ~400 lines on purpose: it is one class, and its private fields (#core, #store, the
// flights) cannot be reached from another module; the adapter contract is store-answers.js.
import { itemsOf, pairsOf } from "./boundary.js";
import { field } from "./encode.js";
import { callHook, checkObject, codedError, reading, typeError } from "./errors.js";
import { CacheCore, MemoryCache, __localFast, __lastMade, __lastStoreKey, __take } from "./edgecache.js";
import { fastKey, payload } from "./fast.js";
import { asBytes, checkStore, describe, protocolError, timeoutError } from "./store-answers.js";
import { Deadline } from "./deadline.js";
import { CACHE_EVENTS, Events, now, since } from "./events.js";
import { LEASED, leased } from "./lease.js";
import { Namespace, invalidateNamespace } from "./namespace.js";
import { DJANGO_ITEMS } from "./stores/memcached.js";
import { Flights, Marks } from "./flights.js";
import { produce, register, wantsRefresh, writeOptions } from "./refresh.js";
import { warm } from "./warm.js";

/** A single get's answer as #fetch returns it: `[bytes or undefined]`. */
const oneAnswer = (raw) => [asBytes(raw)];
const FAILED = Symbol("store call failed");
/** Whether a store write's #call succeeded. */
const written = (result) => result !== FAILED;
// What __localFast returns besides a payload length (src/wasm/tier_fast.rs).
const THROW = -3;
const DELETED = -4;
const CAS_ATTEMPTS = 64;

/**
 * A store write's options: `ttl` (own even when undefined: never a host getter's ttl), or
 * `keepTtl` for a value whose expiry the store alone knows (an incr in Django's format).
 */
const putOptions = (sealed) => (sealed.keepTtl === true ? { ttl: undefined, keepTtl: true } : { ttl: sealed.ttl });

// After a lost compare-and-swap, wait a little (growing, jittered) before trying again.
const backoff = (attempt) => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** (attempt / 4))));

function conflict(op, key) {
  return codedError("WRITE_CONFLICT", `${op} on '${key}' lost ${CAS_ATTEMPTS} compare-and-swap races in a row`);
}
const DEFAULT_MEMORY = { maxEntries: 1000, timeout: null };

function memoryTier(memory, clock) {
  if (memory === false) return undefined;
  if (memory instanceof MemoryCache) return memory;
  if (memory === undefined) return new MemoryCache(clock ? { ...DEFAULT_MEMORY, clock } : DEFAULT_MEMORY);
  if (memory !== null && typeof memory === "object") return new MemoryCache(clock && !memory.clock ? { ...memory, clock } : memory);
  throw typeError("INVALID_OPTION", "option 'memory' must be MemoryCache options, a MemoryCache or false");
}

/** Django's cache API, async, over a KV store adapter (see `stores`). */
/**
 * The adapter and CacheCore options for `format`: records (undefined), "django": the values
 * Django's own RedisCache or PyMemcacheCache keep (memcached items then carry their flags), or
 * "django-json": django-redis with its JSONSerializer.
 */
function storeFormat(store, format, options) {
  if (format === undefined) return [store, options];
  if (format === "django-json" && store.name === "redis") return [store, { ...options, format: "django-json" }];
  if (format === "django-json") throw typeError("INVALID_OPTION", `format "django-json" (django-redis's JSONSerializer) needs stores.redis()`);
  if (format !== "django") throw typeError("INVALID_OPTION", `option 'format' must be "django" or "django-json" (or absent for edgecache's records), got ${JSON.stringify(format)}`);
  if (store.name === "redis") return [store, { ...options, format: "django-redis" }];
  if (typeof store[DJANGO_ITEMS] === "function") return [store[DJANGO_ITEMS](), { ...options, format: "django-memcached" }];
  throw typeError("INVALID_OPTION", `format "django" needs stores.redis() or stores.memcached(), not ${store.name ? `a ${store.name} store` : "this store adapter"}`);
}

export class Cache {
  #core;
  #store;
  #onError;
  #deadline;
  /** The name events carry. */
  #name;
  /** Listeners (js/events.js), or undefined while nothing listens: then nothing is emitted. */
  #events;
  /** What leases use of this cache (made on first use). */
  #io;
  /**
   * The store's TTLs of keys (stores.redis, stores.memcached), read beside each store read in
   * Django's format, whose values carry no expiry: the memory tier then never serves one past
   * it. Undefined otherwise.
   */
  #ttls;
  #warned = false;
  #strict;
  #onEvict;
  /** getOrSet calls in progress, by made key (joined by concurrent calls). */
  #pending;
  /** Made keys whose getOrSet factory is being called right now. */
  #producing = new Marks();
  /** Factory runs in progress, by made key (a refresh runs once). */
  #flights;
  #counts = {
    hits: 0,
    misses: 0,
    storeReads: 0,
    storeHits: 0,
    storeMisses: 0,
    storeWrites: 0,
    storeErrors: 0,
    corruptRecords: 0,
    hookErrors: 0,
    invalidated: 0,
    staleServed: 0,
    refreshes: 0,
    leasesAcquired: 0,
    leaseWaits: 0,
    leaseTimeouts: 0,
  };

  constructor(options) {
    if (options === null || typeof options !== "object") {
      throw typeError("INVALID_OPTIONS", "Cache options must be an object with at least a 'store'");
    }
    checkObject(options, "new Cache(options)");
    // Read as JavaScript reads them; a revoked Proxy is a coded error.
    const [store, memory, onError, onEvict, storeTimeout, strict, format, name, rest] = reading(() => {
      const { store, memory, onError, onEvict, storeTimeout = 1, strict = false, format, name, ...rest } = options;
      return [store, memory, onError, onEvict, storeTimeout, strict, format, name, rest];
    }, "INVALID_OPTIONS", "the Cache options could not be read");
    if (name !== undefined && typeof name !== "string") throw typeError("INVALID_OPTION", "option 'name' must be a string");
    // `new Cache(stores.redis(client))`: the adapter itself where the options go.
    if (store === undefined && typeof options.get === "function" && typeof options.put === "function") {
      throw typeError("INVALID_STORE", "new Cache() takes options: pass the store adapter as new Cache({ store })");
    }
    this.#name = name ?? (typeof rest.keyPrefix === "string" && rest.keyPrefix !== "" ? rest.keyPrefix : "default");
    const [adapter, coreOptions] = storeFormat(checkStore(store), format, rest);
    this.#store = adapter;
    if (onError !== undefined && typeof onError !== "function") {
      throw typeError("INVALID_OPTION", "option 'onError' must be a function");
    }
    if (typeof storeTimeout !== "number" || !(storeTimeout > 0)) {
      throw typeError("INVALID_OPTION", "option 'storeTimeout' must be a positive number of seconds");
    }
    if (typeof strict !== "boolean") throw typeError("INVALID_OPTION", "option 'strict' must be a boolean");
    if (onEvict !== undefined && typeof onEvict !== "function") {
      throw typeError("INVALID_OPTION", "option 'onEvict' must be a function");
    }
    this.#onEvict = onEvict;
    this.#core = new CacheCore(coreOptions, adapter.limits ?? {});
    const tier = memoryTier(memory, rest.clock);
    const clock = rest.clock;
    // Joined for a minute at most (js/flights.js): a factory that never settles does not hang
    // every later getOrSet of its key.
    const seconds = () => (clock ? clock.now() : Date.now()) / 1000;
    this.#pending = new Flights(seconds);
    this.#flights = new Flights(seconds);
    if (tier) this.#core.useMemory(tier);
    if (tier && format !== undefined && typeof adapter.ttls === "function") this.#ttls = (keys) => adapter.ttls(keys);
    this.#onError = onError;
    this.#deadline = new Deadline(storeTimeout, (op) => timeoutError(op, storeTimeout));
    this.#strict = strict;
  }

  /**
   * Calls `listener(event)` on each event of `type` (hit, miss, stale, refresh, refreshed,
   * storeError, corrupt, evict, leaseAcquired, leaseWaited, leaseTimeout); returns a function
   * that removes it. Events carry `{ type, cache, key }` (the made key) and, where they exist,
   * `duration` (ms), `op`, `error`, `reason`.
   */
  on(type, listener) {
    const events = this.#events ?? new Events(this.#name, CACHE_EVENTS, this.#counts);
    events.on(type, listener); // a bad type or listener throws before anything is kept
    this.#events = events;
    return () => this.off(type, listener);
  }

  /** Removes a listener added with on(). */
  off(type, listener) {
    this.#events?.off(type, listener);
    if (this.#events?.empty) this.#events = undefined;
  }

  /** The name events carry: option `name`, else the key prefix, else "default". */
  get name() {
    return this.#name;
  }

  /** True when add/incr/decr/touch are atomic across instances on this store. */
  get atomic() {
    return typeof this.#store.compareAndSwap === "function";
  }

  #report(error, op, key) {
    if (this.#onError) callHook("onError", this.#onError, this.#counts, error, { op, key });
    else if (!this.#warned) {
      // Store errors are otherwise silent (a failed read is a miss): say so once per cache.
      this.#warned = true;
      console.warn(`edgecache: a store ${op} failed (${error?.code ?? error?.name}: ${error?.message}); later store errors are counted in stats() without a warning. Pass onError to see each one.`);
    }
  }

  /**
   * Runs one store call, bounded by storeTimeout; a failure is FAILED (or thrown if strict).
   * Not an async function: each await layer is a promise and a turn on every store call.
   */
  #call(op, key, run, strict = this.#strict, onValue = undefined) {
    const started = this.#events && now();
    // `onValue` maps the answer within the same promise (what it throws is a store error).
    return this.#deadline.run(op, run, onValue, (error) => {
      this.#counts.storeErrors++;
      this.#events?.emit("storeError", key, { op, error, duration: since(started) });
      this.#report(error, op, key);
      if (strict) throw error;
      return FAILED;
    });
  }

  /** Like #call, but a failure always throws (for operations that must return a result). */
  #must(op, key, run) {
    return this.#call(op, key, run, true);
  }

  #fetch(op, made, keys) {
    const store = this.#store;
    this.#counts.storeReads += keys.length;
    const many = typeof store.getMany === "function" && keys.length > 1;
    if (keys.length === 1 && !many) {
      // One key (every plain read): no batch arrays, no Promise.all.
      return this.#call(op, made, () => store.get(keys[0]), undefined, oneAnswer);
    }
    return this.#call(op, made, async () => {
      const raw = many ? await store.getMany(keys) : await Promise.all(keys.map((k) => store.get(k)));
      // An adapter's answer is untrusted: the wrong shape is a store error, never a throw.
      if (!Array.isArray(raw) || raw.length !== keys.length) {
        throw protocolError(`${many ? "getMany" : "get"} resolved ${describe(raw)}: expected an array of ${keys.length} values (bytes, or null for a miss)`);
      }
      return raw.map(asBytes);
    });
  }

  #emit(key, reason) {
    if (this.#onEvict) callHook("onEvict", this.#onEvict, this.#counts, key, reason);
    this.#events?.emit("evict", key, { reason });
  }

  /** Reads the invalidation stamps of tags (`[[tag, storeKey]]`) into CacheCore. */
  async #learnStamps(op, made, stamps) {
    const bytes = await this.#fetch(op, made, stamps.map(([, key]) => key));
    if (bytes === FAILED) return;
    const corrupt = this.#core.learnStamps(stamps.map(([tag], i) => [tag, bytes[i] ?? null]));
    for (const error of corrupt) this.#corrupt(error, op, made);
  }

  /** Opens a record read from the store (fetching tag stamps and chunks); undefined or
   * { value } ({ value, state } with getOrSet's refresh options). */
  #open(op, made, bytes, options, ttl) {
    const r = this.#core.open(made, bytes, options, ttl);
    // Most records need nothing more: answered without a promise (a turn per store read).
    return field(r, "stamps") || field(r, "chunks") ? this.#openFetching(op, made, bytes, options, r) : this.#opened(op, made, r);
  }

  /** The store's records of `keys` and, in Django's format, their TTLs (undefined: unknown). */
  async #fetchTimed(op, made, keys) {
    if (this.#ttls === undefined) return [await this.#fetch(op, made, keys), []];
    // A TTL that cannot be read is unknown (the value is then not kept in the tier), never a failed read.
    const [fetched, ttls] = await Promise.all([this.#fetch(op, made, keys), this.#call(op, made, () => this.#ttls(keys), false)]);
    return [fetched, Array.isArray(ttls) ? ttls : []];
  }

  /** #open of a record that needs its tags' stamps or its chunks read first. */
  async #openFetching(op, made, bytes, options, r) {
    if (field(r, "stamps")) {
      await this.#learnStamps(op, made, r.stamps);
      r = this.#core.open(made, bytes, options, undefined);
      // Stamps that could not be read: the record cannot be judged, so it is a miss.
      if (field(r, "stamps")) r = undefined;
    }
    if (field(r, "chunks")) {
      const parts = await this.#fetch(op, made, r.chunks);
      r = parts === FAILED ? undefined : this.#core.assemble(made, bytes, parts.map((p) => p ?? null), options);
    }
    return this.#opened(op, made, r);
  }

  /** Counts an opened record (invalidated and corrupt ones read as misses). */
  #opened(op, made, r) {
    if (field(r, "invalidated")) {
      this.#counts.invalidated++;
      this.#emit(made, "invalidate");
      r = undefined;
    }
    if (field(r, "corrupt")) r = this.#corrupt(r.corrupt, op, made);
    if (r === undefined) this.#counts.storeMisses++;
    else this.#counts.storeHits++;
    return r;
  }

  /** Counts and reports a record that failed its checks; it reads as a miss. */
  #corrupt(error, op, made) {
    this.#counts.corruptRecords++;
    this.#events?.emit("corrupt", made, { op, error });
    this.#report(error, op, made);
    return undefined;
  }

  /** The memory tier, then the store: undefined or { value } ({ value, state } with
   * getOrSet's refresh options). */
  async #read(op, made, options) {
    const local = options === undefined ? this.#core.local(made) : this.#core.localStale(made, options);
    if (local !== undefined) return local ?? undefined;
    return this.#fromStore(op, made, options);
  }

  /** The store's answer for a key the memory tier does not hold. */
  #fromStore(op, made, options, key = this.#core.storeKey(made)) {
    // In Django's format the key's TTL is read beside it (#fetchTimed); else one read.
    if (this.#ttls !== undefined) return this.#fetchTimed(op, made, [key]).then(([fetched, ttls]) => this.#answer(op, made, fetched, options, ttls[0]));
    return this.#fetch(op, made, [key]).then((fetched) => this.#answer(op, made, fetched, options));
  }

  /** A one-key store read's answer: undefined for a failure or a miss, else the opened record. */
  #answer(op, made, fetched, options, ttl) {
    if (fetched === FAILED) return undefined;
    if (fetched[0] === undefined) {
      this.#counts.storeMisses++;
      return undefined;
    }
    return this.#open(op, made, fetched[0], options, ttl);
  }

  /**
   * When a read starts, for its event's duration: undefined when nothing listens, or when a
   * listener started it (an async read would otherwise emit after the listener returned, and
   * a listener that reads on every hit would feed itself forever).
   */
  #start() {
    return this.#events === undefined || this.#events.running ? undefined : now();
  }

  /** Counts a read as a hit or a miss (and emits it, timed from `started`, see #start). */
  #count(found, made, started) {
    if (found === undefined) this.#counts.misses++;
    else this.#counts.hits++;
    if (this.#events !== undefined && started !== undefined) this.#events.emit(found === undefined ? "miss" : "hit", made, { duration: since(started) });
    return found;
  }

  /**
   * Writes a sealed record (chunks first); false when the store failed. A plain write (one
   * record, no swap) is not an async function: a turn less per write.
   */
  #write(op, made, sealed, expected, strict = this.#strict) {
    if (sealed.expired || sealed.chunks.length > 0 || expected !== undefined) return this.#writeParts(op, made, sealed, expected, strict);
    this.#counts.storeWrites++;
    const store = this.#store;
    const { key, record } = sealed;
    const options = putOptions(sealed);
    return this.#call(op, made, () => store.put(key, record, options), strict).then(written);
  }

  /** #write of a tombstone, a chunked record or a compare-and-swap. */
  async #writeParts(op, made, sealed, expected, strict) {
    const store = this.#store;
    const { key } = sealed;
    if (sealed.expired) {
      this.#core.tombstone(made);
      return (await this.#call(op, made, () => store.delete(key), strict)) !== FAILED;
    }
    const options = putOptions(sealed);
    if (sealed.chunks.length > 0) {
      this.#counts.storeWrites += sealed.chunks.length;
      const done = await this.#call(op, made, () => Promise.all(sealed.chunks.map(([k, v]) => store.put(k, v, options))), strict);
      if (done === FAILED) return false;
    }
    this.#counts.storeWrites++;
    if (expected !== undefined) {
      const swapped = await this.#call(op, made, async () => {
        const swapped = await store.compareAndSwap(key, expected, sealed.record, options);
        if (swapped !== true && swapped !== false) {
          throw protocolError(`compareAndSwap resolved ${describe(swapped)}: it must resolve true (written) or false (the current value differed)`);
        }
        return swapped;
      }, strict);
      return swapped === FAILED ? FAILED : swapped === true;
    }
    return written(await this.#call(op, made, () => store.put(key, sealed.record, options), strict));
  }

  /** The value of `key`, or `defaultValue` (else `undefined`). */
  async get(key, defaultValue, options) {
    // A string key without options: the tier is read in one numbers-only call (tier_fast.rs);
    // with listeners, the general path (it has the made key for the events).
    const keyLength = typeof key === "string" && options === undefined && this.#events === undefined ? fastKey(key) : -1;
    if (keyLength >= 0) {
      // The time read here, where Date.now() is cheap; Rust uses it only when the tier is on
      // the system clock (a user clock is read there, once).
      const found = __localFast(this.#core, keyLength, Date.now());
      if (found >= 0) {
        this.#counts.hits++;
        return payload(found);
      }
      if (found === THROW) throw __take();
      if (found === DELETED) return this.#count(undefined) ?? defaultValue;
      // Both keys from the miss itself: the made key does not cross back in to be mapped (and
      // the store key crosses only when it differs from it).
      const made = __lastMade();
      const r = this.#count(await this.#fromStore("get", made, undefined, __lastStoreKey(this.#core) ?? made));
      return r === undefined ? defaultValue : r.value;
    }
    const started = this.#start();
    const made = this.#core.key(key, options);
    const found = this.#count(await this.#read("get", made), made, started);
    return found === undefined ? defaultValue : found.value;
  }

  /** Stores `value` (overwrites) with a timeout (seconds, null = forever) or `{ timeout, version }`. */
  async set(key, value, timeout) {
    const sealed = this.#core.sealNew(key, value, timeout);
    await this.#write("set", sealed.made, sealed);
  }

  /** Stores `value` only if `key` is missing or expired; true if it stored. */
  async add(key, value, timeout) {
    const made = this.#core.writeKey(key, timeout);
    const sealed = this.#core.seal(made, value, timeout, false);
    const key_ = sealed.key;
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const fetched = await this.#fetch("add", made, [key_]);
      if (fetched === FAILED) return false;
      const [current] = fetched;
      if (current !== undefined && (await this.#open("add", made, current)) !== undefined) return false;
      const stored = await this.#write("add", made, sealed, this.atomic ? current ?? null : undefined);
      if (stored === true) {
        this.#core.remember(made, sealed.record);
        return true;
      }
      if (stored === FAILED || !this.atomic) return false;
      await backoff(attempt);
    }
    throw conflict("add", made);
  }

  async #mustFetch(op, made, key) {
    this.#counts.storeReads++;
    const bytes = await this.#must(op, made, () => this.#store.get(key));
    return [asBytes(bytes)];
  }

  /**
   * The value of `key`; on a miss, adds `defaultOrFactory` (awaited if a function) and
   * returns what is cached. Concurrent misses of one key in this instance share one factory
   * call. Options add serve-stale (`staleWhileRevalidate`, `staleIfError`), XFetch early
   * refresh (`beta`) and `waitUntil` for background refreshes.
   */
  getOrSet(key, defaultOrFactory, options) {
    try {
      this.#core.checkDefault(defaultOrFactory);
      const made = this.#core.writeKey(key, options);
      const lease = this.#core.leasePolicy(options);
      // Concurrent calls for one key share one read and one factory call; a call made by that
      // factory itself for its own key (its own result would be what it waits for) does not.
      const nested = this.#producing.has(made);
      const joined = nested ? undefined : this.#pending.joinable(made);
      if (joined !== undefined) {
        this.#counts.hits++;
        if (this.#start() !== undefined) this.#events.emit("hit", made, { duration: 0 });
        return joined;
      }
      const run = this.#getOrSet(made, key, defaultOrFactory, options, lease, nested);
      return nested ? run : this.#pending.start(made, run);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async #getOrSet(made, key, defaultOrFactory, options, lease, nested = false) {
    const started = this.#start();
    const refresh = wantsRefresh(options);
    const found = await this.#read("getOrSet", made, refresh ? options : undefined);
    // `state` only with refresh options: a plain hit lacks it (a host getter must not answer).
    const state = found === undefined ? "miss" : (field(found, "state") ?? "fresh");
    this.#count(state === "fresh" || state === "early" ? found : undefined, made, started);
    if (state === "fresh") return found.value;
    if (state === "early" || state === "revalidate") {
      if (state === "revalidate") this.#stale(made);
      this.#refreshInBackground(made, key, defaultOrFactory, options, lease);
      return found.value;
    }
    // With a lease, one instance of the fleet computes; the others wait for its value.
    const guarded = (compute, how) => (lease === undefined ? compute() : leased(this.#leaseIo(), made, lease, compute, how));
    const fill = () => guarded(() => this.#fill(made, key, defaultOrFactory, options));
    if (state === "miss") return nested ? fill() : this.#flight(made, fill);
    try {
      // Stale within staleIfError: while another instance holds the lease, serve the stale value.
      const stale = () => {
        this.#stale(made);
        return found.value;
      };
      const replace = () => guarded(() => this.#replace(made, key, defaultOrFactory, options), { stale });
      return await (nested ? replace() : this.#flight(made, replace));
    } catch (error) {
      this.#report(error, "getOrSet", made);
      this.#stale(made);
      return found.value;
    }
  }

  /** Counts (and emits) a stale value served. */
  #stale(made) {
    this.#counts.staleServed++;
    this.#events?.emit("stale", made);
  }

  /** Runs a background refresh, emitting refresh and refreshed (its duration, and error if it threw). */
  async #timed(made, replace) {
    if (this.#events === undefined) return replace();
    const started = now();
    this.#events.emit("refresh", made);
    try {
      const value = await replace();
      this.#events?.emit("refreshed", made, { duration: since(started) });
      return value;
    } catch (error) {
      this.#events?.emit("refreshed", made, { duration: since(started), error });
      throw error;
    }
  }

  /**
   * Internal (cachePage, cacheMiddleware, honoCache, cacheFragment with `lock`): runs `compute`
   * under the lease of `key`, or returns what `how.read` finds (see leased in js/lease.js).
   */
  [LEASED](key, lock, compute, how) {
    const policy = this.#core.leasePolicy({ lock });
    if (policy === undefined) return compute();
    return leased(this.#leaseIo(), this.#core.key(key), policy, compute, how);
  }

  /** What a lease (js/lease.js) may use of this cache. */
  #leaseIo() {
    return (this.#io ??= {
      store: this.#store,
      core: this.#core,
      counts: this.#counts,
      emit: (type, made, detail) => this.#events?.emit(type, made, detail),
      failed: FAILED,
      call: (op, made, run) => this.#call(op, made, run),
      read: (made) => this.#fromStore("getOrSet", made),
    });
  }

  /** Shares one run of `compute` among concurrent callers for `made`. */
  #flight(made, compute) {
    return this.#flights.joinable(made) ?? this.#flights.start(made, compute());
  }

  /** `produce(defaultOrFactory)`, marking `made` while its factory is called. */
  #produce(made, defaultOrFactory) {
    return this.#producing.during(made, () => produce(defaultOrFactory));
  }

  /** Django's miss path: compute, add, and return what is cached. */
  async #fill(made, key, defaultOrFactory, options) {
    const [value, seconds] = await this.#produce(made, defaultOrFactory);
    // Django re-reads after add() to return the winner's value; when this add won, the
    // value is ours and the read would only cost a store round trip.
    if (await this.add(key, value, writeOptions(options, seconds))) return value;
    const now = await this.#read("getOrSet", made);
    return now === undefined ? value : now.value;
  }

  /** A refresh: compute and overwrite. */
  async #replace(made, key, defaultOrFactory, options) {
    const [value, seconds] = await this.#produce(made, defaultOrFactory);
    await this.set(key, value, writeOptions(options, seconds));
    return value;
  }

  #refreshInBackground(made, key, defaultOrFactory, options, lease) {
    if (this.#flights.joinable(made) !== undefined) return;
    this.#counts.refreshes++;
    // With a lease, the refresh runs where the lease is taken; elsewhere it is already running.
    const replace = () => this.#timed(made, () => this.#replace(made, key, defaultOrFactory, options));
    // Once the lease is taken, a record no longer due (another instance refreshed it) ends it.
    const recheck = async () => {
      const now = await this.#fromStore("refresh", made, options);
      return field(now, "state") === "fresh" ? now : undefined;
    };
    const refresh = lease === undefined ? replace : () => leased(this.#leaseIo(), made, lease, replace, { onlyIfFree: true, recheck });
    const run = this.#flight(made, refresh).catch((error) => {
      // The stale value stays; the next read tries again.
      this.#report(error, "refresh", made);
    });
    register(options, run);
  }

  /** The hits among `keys`, as a Map in request order. */
  async getMany(keys, options) {
    const list = itemsOf(keys, "keys");
    const started = this.#start();
    const made = list.map((k) => this.#core.key(k, options));
    const found = new Map();
    const results = made.map((m) => this.#core.local(m));
    const missing = [];
    results.forEach((r, i) => {
      if (r === undefined) missing.push(i);
    });
    if (missing.length > 0) {
      const [bytes, ttls] = await this.#fetchTimed("getMany", made[missing[0]], missing.map((i) => this.#core.storeKey(made[i])));
      if (bytes !== FAILED) {
        await Promise.all(missing.map(async (i, n) => {
          if (bytes[n] === undefined) this.#counts.storeMisses++;
          else results[i] = await this.#open("getMany", made[i], bytes[n], undefined, ttls[n]);
        }));
      }
    }
    results.forEach((r, i) => {
      if (this.#count(r ?? undefined, made[i], started) !== undefined) found.set(list[i], r.value);
    });
    return found;
  }

  /** Stores every pair; returns the keys whose store write failed. */
  async setMany(entries, timeout) {
    const pairs = pairsOf(entries);
    // Every value is sealed before anything is written. Sealing fills the memory tier, so a
    // key or value that throws takes out what the earlier ones put there: the cache then
    // reads as it did before the call (nothing reached the store).
    const sealed = [];
    try {
      for (const [key, value] of pairs) {
        const made = this.#core.writeKey(key, timeout);
        sealed.push([key, made, this.#core.seal(made, value, timeout, true)]);
      }
    } catch (error) {
      for (const [, made] of sealed) this.#core.forget(made);
      throw error;
    }
    const failed = [];
    await Promise.all(sealed.map(async ([key, made, s]) => {
      if (!(await this.#write("setMany", made, s))) failed.push(key);
    }));
    return failed;
  }

  /** Removes `key`; true if the store had it (when the store can tell). */
  async delete(key, options) {
    const made = this.#core.key(key, options);
    this.#core.tombstone(made);
    const key_ = this.#core.storeKey(made);
    const result = await this.#call("delete", made, () => this.#store.delete(key_));
    const deleted = result === FAILED ? false : result !== false;
    if (deleted) this.#emit(made, "delete");
    return deleted;
  }

  /** Removes every key in `keys`. */
  async deleteMany(keys, options) {
    await Promise.all(itemsOf(keys, "keys").map((k) => this.delete(k, options)));
  }

  /** True when `key` has a live value. */
  async has(key, options) {
    const made = this.#core.key(key, options);
    return (await this.#read("has", made)) !== undefined;
  }

  /** A new timeout from now for a live `key`; true if it was live. */
  async touch(key, timeout) {
    const made = this.#core.writeKey(key, timeout);
    const key_ = this.#core.storeKey(made);
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const fetched = await this.#fetch("touch", made, [key_]);
      if (fetched === FAILED) return false;
      const [current] = fetched;
      const sealed = this.#core.retime(made, current, timeout);
      if (field(sealed, "corrupt")) return this.#corrupt(sealed.corrupt, "touch", made) ?? false;
      if (sealed === undefined) return false;
      if (sealed === null) {
        // A chunked value: rewrite it whole with the new timeout.
        const found = await this.#open("touch", made, current);
        if (found === undefined) return false;
        return this.#write("touch", made, this.#core.seal(made, found.value, timeout, true));
      }
      const stored = await this.#write("touch", made, sealed, this.atomic ? current : undefined);
      if (stored === true || !this.atomic) return stored === true;
      await backoff(attempt);
    }
    throw conflict("touch", made);
  }

  async #addDelta(op, key, delta, negate, options) {
    const made = this.#core.key(key, options);
    const key_ = this.#core.storeKey(made);
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const [current] = await this.#mustFetch(op, made, key_);
      const next = this.#core.incr(made, current, delta, negate);
      const stored = await this.#mustWrite(op, made, next, this.atomic ? current ?? null : undefined);
      if (stored === true || !this.atomic) return next.value;
      this.#core.forget(made);
      await backoff(attempt);
    }
    throw conflict(op, made);
  }

  #mustWrite(op, made, sealed, expected) {
    return this.#write(op, made, sealed, expected, true);
  }

  /** Adds `delta` (default 1) to a number or bigint, keeping its expiry; atomic where the store allows. */
  incr(key, delta, options) {
    return this.#addDelta("incr", key, delta, false, options);
  }

  /** Subtracts `delta` (default 1). */
  decr(key, delta, options) {
    return this.#addDelta("decr", key, delta, true, options);
  }

  async #shiftVersion(key, delta, negate, options) {
    // Django gets the source (warning for its key), sets the target, deletes the source.
    const [from, old, version] = this.#core.versionKeys(key, delta, negate, options);
    const found = await this.#read("incrVersion", from);
    if (found === undefined) throw this.#core.missingKey(key);
    const to = this.#core.versionKey(key, version);
    await this.#write("incrVersion", to, this.#core.seal(to, found.value, undefined, true));
    this.#core.versionKey(key, old);
    this.#core.tombstone(from);
    await this.#call("incrVersion", from, () => this.#store.delete(this.#core.storeKey(from)));
    return version;
  }

  /** Moves `key` to version + `delta` (default 1); returns the new version. */
  incrVersion(key, delta, options) {
    return this.#shiftVersion(key, delta, false, options);
  }

  /** Moves `key` to version - `delta`. */
  decrVersion(key, delta, options) {
    return this.#shiftVersion(key, delta, true, options);
  }

  /** Removes this cache's keys (its prefix) from the store, by listing; and empties the memory tier. */
  async clear() {
    this.#core.clearLocal();
    const store = this.#store;
    const prefix = this.#core.listPrefix;
    if (typeof store.list !== "function" && typeof store.flush === "function") {
      // A store that cannot list but may be emptied whole (memcached with flushOnClear).
      await this.#must("clear", prefix, () => store.flush());
      this.#emit(prefix, "clear");
      return;
    }
    if (typeof store.list !== "function") {
      throw codedError("UNSUPPORTED_OPERATION", "this store adapter cannot list keys, so clear() cannot find this cache's keys");
    }
    await this.#must("clear", prefix, async () => {
      // A listing is a store answer, untrusted: only this cache's keys are deleted (an adapter
      // that ignores the prefix must not empty other caches), and one that never ends stops at
      // storeTimeout, checked here too (on microtasks alone, the timer would never run).
      const started = Date.now();
      const batch = [];
      for await (const key of store.list(prefix)) {
        this.#deadline.check("clear", started);
        if (typeof key !== "string" || !key.startsWith(prefix)) continue;
        batch.push(key);
        if (batch.length >= 100) await Promise.all(batch.splice(0).map((k) => store.delete(k)));
      }
      await Promise.all(batch.map((k) => store.delete(k)));
    });
    this.#emit(prefix, "clear");
  }

  /**
   * Makes every entry tagged with one of `tags` a miss, on every instance sharing the store:
   * writes each tag's invalidation time (read by other instances at most once per
   * localTimeout). Throws when the store write fails.
   */
  async invalidateTags(tags) {
    const stamps = this.#core.stampTags(tags);
    await Promise.all(stamps.map(([key, record]) => {
      this.#counts.storeWrites++;
      return this.#must("invalidateTags", key, () => this.#store.put(key, record, { ttl: undefined }));
    }));
  }

  /** A view whose keys live in namespace `name` (see invalidateNamespace). */
  namespace(name) {
    return new Namespace(this, name);
  }

  /** Makes every key of namespace `name` unreachable, on every instance sharing the store. */
  invalidateNamespace(name) {
    return invalidateNamespace(this, name);
  }

  /** Runs `loaders` (key -> function) with a concurrency limit and stores their values. */
  warm(loaders, options) {
    return warm(this, loaders, options);
  }

  /** The key stored for `key` (`prefix:version:key`, before store-key shortening). */
  makeKey(key, version) {
    return this.#core.makeKey(key, version);
  }

  /** Counters of this cache, its store traffic and faults, and the memory tier's stats. */
  stats() {
    const c = this.#counts;
    const total = c.hits + c.misses;
    return { ...c, hitRatio: total === 0 ? 0 : c.hits / total, memory: this.#core.tierStats() };
  }
}
