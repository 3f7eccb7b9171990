// A Cloudflare Worker: pages cached in Workers KV (binding PAGES), stale-while-revalidate
// refreshes kept alive by ctx.waitUntil.
import { Cache, cachePage, stores } from "edgecache";

async function render(request) {
  const url = new URL(request.url);
  return new Response(`<h1>${url.pathname}</h1>`, { headers: { "content-type": "text/html; charset=utf-8" } });
}

let page;
export default {
  fetch(request, env, ctx) {
    page ??= cachePage(render, {
      timeout: 300,
      staleWhileRevalidate: 600,
      cache: new Cache({ store: stores.cloudflareKV(env.PAGES), keyPrefix: "pages" }),
    });
    return page(request, env, ctx);
  },
};
