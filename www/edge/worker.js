// The demo's Worker (run in workerd by www/serve.mjs through miniflare, twice: isolates "a" and
// "b" sharing one Workers KV namespace). Product pages are cached by cachePage in a Cache over
// KV with a memory tier; the store adapter is wrapped to count KV reads, the origin counts its
// calls, so the page can show what each isolate's tier saved.
import { Cache, cachePage, stores } from "../../pkg/workerd.js";

const PRODUCTS = ["Espresso cup", "Pour-over kettle", "Burr grinder", "Milk jug", "Scale"];
const counts = { kvReads: 0, originCalls: 0, pageHits: 0, staleServed: 0 };
let cache;
let page;

function counted(store) {
  const read = (n) => (counts.kvReads += n);
  return {
    ...store,
    get: (key) => (read(1), store.get(key)),
    getMany: store.getMany && ((keys) => (read(keys.length), store.getMany(keys))),
  };
}

/** The slow origin: 300 ms a product, fresh for 5 s, then stale for 30 s while it refreshes. */
async function origin(request) {
  counts.originCalls++;
  await new Promise((resolve) => setTimeout(resolve, 300));
  const id = Number(new URL(request.url).pathname.split("/").pop());
  const body = JSON.stringify({ id, name: PRODUCTS[id] ?? "unknown", renderedAt: new Date().toISOString(), originCall: counts.originCalls });
  return new Response(body, { headers: { "content-type": "application/json", "cache-control": "public, max-age=5, stale-while-revalidate=30" } });
}

export default {
  async fetch(request, env, ctx) {
    // localTimeout 2 s: another isolate's tag invalidation is seen within 2 s here.
    cache ??= new Cache({ store: counted(stores.cloudflareKV(env.CACHE)), keyPrefix: "demo", localTimeout: 2, name: env.ISOLATE });
    if (!page) {
      page = cachePage(origin, { timeout: null, cache, tags: ["products"], cacheStatusHeader: "X-Cache" });
      // The page cache's events: what each request was answered with.
      page.on("hit", () => counts.pageHits++);
      page.on("stale", () => counts.staleServed++);
    }
    const { pathname } = new URL(request.url);
    if (pathname.startsWith("/products/")) return page(request, env, ctx);
    if (pathname === "/invalidate" && request.method === "POST") {
      await cache.invalidateTags(["products"]);
      return Response.json({ invalidated: "products" });
    }
    if (pathname === "/stats") {
      // A read the memory tier answers is a KV read saved.
      return Response.json({ isolate: env.ISOLATE, ...counts, tierHits: cache.stats().memory?.hits ?? 0 });
    }
    return new Response("not found", { status: 404 });
  },
};
