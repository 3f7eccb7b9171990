// A Worker running the async Cache suite over stores.memcached inside workerd, through
// cloudflare:sockets to a real memcached (env.MEMCACHED, "host:port"). Driven by
// tests/js/workerd-memcached.test.mjs; one case per request.
import { Cache, stores } from "../../pkg/workerd.js";
import { cases } from "../suite/cache-suite.mjs";

// One adapter for the isolate: its connection was opened by an earlier request, so every
// later request exercises the reconnect (a socket belongs to the request that opened it).
let shared;

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const make = () => stores.memcached([env.MEMCACHED]);
    if (url.pathname === "/cases") return Response.json(Object.keys(cases({ Cache, makeStore: make, listable: false })));
    if (url.pathname === "/run") {
      try {
        await cases({ Cache, makeStore: make, listable: false })[url.searchParams.get("case")]();
        return Response.json({ ok: true });
      } catch (error) {
        return Response.json({ ok: false, error: String(error?.stack ?? error) });
      }
    }
    if (url.pathname === "/shared") {
      shared ??= stores.memcached([env.MEMCACHED]);
      const cache = new Cache({ store: shared, memory: false, keyPrefix: "shared" });
      const n = Number(url.searchParams.get("n"));
      await cache.set(`k${n}`, n);
      return Response.json({ got: await cache.get(`k${n}`), previous: await cache.get(`k${n - 1}`), stats: shared.stats(), errors: cache.stats().storeErrors });
    }
    return new Response("not found", { status: 404 });
  },
};
