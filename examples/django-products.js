// A Worker that reads the product cache a Django app fills. The Django site caches each
// product with its own PyMemcacheCache on the same memcached servers:
//
//   cache.set(f"product:{p.id}", {"id": p.id, "name": p.name, "price": p.price}, 600)
//
// With format "django" this Worker reads those entries as Django wrote them (a dict becomes an
// object, a Decimal price its exact text) and serves /products/<id> without asking Django;
// a miss goes to the Django origin, which renders the product and fills the cache.
//
// Bindings: MEMCACHED_SERVERS ("10.0.0.1:11211,10.0.0.2:11211", Django's LOCATION, in the
// same order), DJANGO_ORIGIN (its URL), and KEY_PREFIX if Django sets one.
import { Cache, stores } from "edgecache";

let products; // one per isolate: its connections and memory tier serve every request

function productCache(env) {
  products ??= new Cache({
    store: stores.memcached(env.MEMCACHED_SERVERS.split(",")),
    format: "django",
    keyPrefix: env.KEY_PREFIX ?? "",
    memory: { maxEntries: 1000 }, // hot products stay in the isolate...
    localTimeout: 5, // ...for at most 5 s, so Django's updates show within 5 s
  });
  return products;
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const id = /^\/products\/(\d+)$/.exec(url.pathname)?.[1];
    if (id === undefined) return new Response("not found", { status: 404 });
    const product = await productCache(env).get(`product:${id}`);
    if (product !== undefined) {
      return Response.json(product, { headers: { "x-cache": "HIT" } });
    }
    return fetch(new URL(url.pathname, env.DJANGO_ORIGIN), { headers: request.headers });
  },
};
