// One cache instance driven by a list of operations, for invalidation tests across
// instances: two workerd isolates sharing a KV namespace, two deno processes sharing a
// file-backed Deno KV. Returns what each operation returned.
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
