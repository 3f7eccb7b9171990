// One cache instance driven by a list of operations, for invalidation tests across
// instances: two workerd isolates sharing a KV namespace, two deno processes sharing a
// file-backed Deno KV; and for leases, fresh instances over one D1 database or Deno KV.
// Returns what each operation returned.
export function makeInstance(Cache, store) {
  const clock = { t: Date.now(), now: () => clock.t };
  const cache = new Cache({ store, clock, keyPrefix: "shared", localTimeout: 30 });
  return async function run(ops) {
    const out = [];
    for (const o of ops) {
      switch (o.op) {
        case "set":
          out.push(await cache.set(o.key, o.value, { timeout: 600, tags: o.tags }));
          break;
        case "get":
          out.push((await cache.get(o.key)) ?? null);
          break;
        case "invalidateTags":
          out.push(await cache.invalidateTags(o.tags));
          break;
        case "nsSet":
          out.push(await cache.namespace(o.ns).set(o.key, o.value, 600));
          break;
        case "nsGet":
          out.push((await cache.namespace(o.ns).get(o.key)) ?? null);
          break;
        case "invalidateNamespace":
          out.push(typeof (await cache.invalidateNamespace(o.ns)));
          break;
        case "leased": {
          // A fresh instance (as a Worker makes per request) asking for a missing key under a
          // lease; the factory takes o.ms and names its instance.
          const errors = [];
          // A loaded machine runs several runtimes at once: a store call is given 10 s, since a
          // lease call that fails is a call made without the lease (by design).
          const fresh = new Cache({ store, keyPrefix: "shared", memory: false, storeTimeout: 10, onError: (e) => errors.push(String(e?.message ?? e)) });
          let computed = false;
          const factory = async () => {
            computed = true;
            await new Promise((resolve) => setTimeout(resolve, o.ms));
            return o.name;
          };
          const value = await fresh.getOrSet(o.key, factory, { timeout: 600, lock: o.lock ?? true });
          const { leasesAcquired, leaseWaits, leaseTimeouts } = fresh.stats();
          out.push({ value, computed, leasesAcquired, leaseWaits, leaseTimeouts, errors });
          break;
        }
        case "count": {
          // o.times atomic increments from this process, each a compare-and-swap on the store.
          const errors = [];
          const counter = new Cache({ store, keyPrefix: "shared", memory: false, storeTimeout: 10, onError: (e) => errors.push(String(e?.message ?? e)) });
          for (let i = 0; i < o.times; i++) {
            try {
              await counter.incr(o.key);
            } catch (e) {
              errors.push(String(e?.message ?? e));
            }
          }
          out.push({ errors });
          break;
        }
        case "advance":
          clock.t += o.seconds * 1000;
          out.push(null);
          break;
        default:
          throw new Error(`unknown op ${o.op}`);
      }
    }
    return out.map((x) => x ?? null);
  };
}
