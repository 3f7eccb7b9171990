// Fleet-wide leases for getOrSet's `lock` option: before computing a missing value, an
// instance claims the key in the store with the store's compare-and-swap (Redis SET NX / Lua,
// memcached add/cas, Deno KV's versionstamp check, D1's conditional write, IndexedDB's
// transaction, the memory store); the others poll the store for the holder's value. The lease
// bytes, their key and expiry are the core's (src/persist/lease.rs); this file only waits.
import { asBytes } from "./store-answers.js";
import { sameBytes } from "./stores/base64.js";

/** The async Cache's lease for the HTTP helpers: `cache[LEASED](key, lock, compute, how)`. */
export const LEASED = Symbol("edgecache.leased");

/** What js/cache.js gives a lease: its store calls and its reads, bound to one cache. */
// io = { store, core, counts, emit(type, made, detail), call(op, made, run) → result | failed,
//        failed, read(made) → found | undefined }

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const clock = () => globalThis.performance?.now?.() ?? Date.now();
/** First poll after this many ms; each later one waits longer, up to MAX_POLL. */
const FIRST_POLL = 10;
const MAX_POLL = 250;

/**
 * Runs `compute` holding the lease on `made`, or returns the value its holder writes. With
 * `stale` (a function giving a value to serve), a held lease serves it instead of waiting; with
 * `onlyIfFree`, a held lease means nothing runs (a background refresh someone else does).
 * `read` polls for the holder's result (`{ value }` or undefined; by default the cached value).
 * `recheck` reads what would make computing needless once the lease is taken (by default
 * `read`: the last holder may have written it and freed the lease since this instance read).
 * A store that fails the lease computes without one: the lease never makes a read fail.
 */
export async function leased(io, made, policy, compute, { stale, onlyIfFree = false, read = () => io.read(made), recheck = read } = {}) {
  const [ttl, wait, storeTtl] = policy;
  const key = io.core.leaseKey(made);
  const started = clock();
  let delay = FIRST_POLL;
  let waited = false;
  for (;;) {
    const mine = io.core.leaseGrant(ttl);
    const got = await acquire(io, made, key, mine, storeTtl);
    if (got === io.failed) return compute();
    if (got !== false) {
      io.counts.leasesAcquired++;
      io.emit("leaseAcquired", made, { duration: clock() - started });
      const taken = clock();
      let held = true;
      try {
        const found = await recheck();
        if (found !== undefined) return found.value;
        // Freed (not expired) while this instance waited, and nothing to read: the holder's
        // result was not cached (it failed, or the page is private). Holding the lease would
        // make the waiters compute one after another; they compute side by side instead.
        if (waited && got === FREED) {
          held = false;
          await release(io, made, key, mine, true);
        }
        return await compute();
      } finally {
        if (held) await release(io, made, key, mine, clock() - taken < ttl * 500);
      }
    }
    if (onlyIfFree) return undefined;
    if (stale !== undefined) return stale();
    if (!waited) {
      waited = true;
      io.counts.leaseWaits++;
    }
    const left = wait * 1000 - (clock() - started);
    if (left <= 0) {
      // The holder is slow or gone and its lease not yet expired: compute here (counted).
      io.counts.leaseTimeouts++;
      io.emit("leaseTimeout", made, { duration: clock() - started });
      return compute();
    }
    // Jittered, so waiters that started together do not poll together.
    await sleep(Math.min(left, delay * (0.75 + Math.random() / 2)));
    delay = Math.min(delay * 2, MAX_POLL);
    const found = await read();
    if (found !== undefined) {
      io.emit("leaseWaited", made, { duration: clock() - started });
      return found.value;
    }
  }
}

/** The lease is ours: taken from nobody, or from an expired or foreign holder. */
const FREED = "freed";
const TAKEN = "taken";

/** FREED or TAKEN (the lease is ours), false (another holds it) or io.failed (the store failed). */
async function acquire(io, made, key, mine, storeTtl) {
  const store = io.store;
  if (typeof store.compareAndSwap !== "function") return claim(io, made, key, mine, storeTtl);
  const swap = (expected) => io.call("lease", made, async () => {
    const swapped = await store.compareAndSwap(key, expected, mine, { ttl: storeTtl });
    if (swapped !== true && swapped !== false) throw new TypeError("compareAndSwap must resolve true or false");
    return swapped && (expected === null ? FREED : TAKEN);
  });
  const first = await swap(null);
  if (first !== false) return first;
  // Someone's bytes are there: a live lease waits; an expired or foreign one is taken over.
  const current = await io.call("lease", made, () => store.get(key));
  if (current === io.failed) return io.failed;
  const bytes = asBytes(current);
  if (bytes === undefined) return swap(null); // freed meanwhile
  return io.core.leaseLive(bytes) ? false : swap(bytes);
}

/**
 * A store with no atomic operation (Workers KV, Cache API, files): read, and write a lease when
 * none is live. Two instances that read before either write both compute, so this bounds
 * nothing; it only spares the origin the instances that arrive after a lease became visible.
 */
async function claim(io, made, key, mine, storeTtl) {
  const current = await io.call("lease", made, () => io.store.get(key));
  if (current === io.failed) return io.failed;
  const bytes = asBytes(current);
  if (bytes !== undefined && io.core.leaseLive(bytes)) return false;
  const put = await io.call("lease", made, () => io.store.put(key, mine, { ttl: storeTtl }));
  return put === io.failed ? io.failed : bytes === undefined ? FREED : TAKEN;
}

/** Frees the lease; read first when it may have expired and passed to another holder. */
async function release(io, made, key, mine, surelyOurs) {
  const store = io.store;
  if (!surelyOurs) {
    const current = await io.call("lease", made, () => store.get(key));
    if (current === io.failed || !sameBytes(asBytes(current) ?? null, mine)) return;
  }
  await io.call("lease", made, () => store.delete(key));
}
