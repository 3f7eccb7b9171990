// A Worker whose handler counts its own invocations, wrapped in cachePage over a Cache
// backed by the real Workers KV binding; driven by tests/js/workerd-pages.test.mjs.
import { Cache, cachePage, stores } from "../../pkg/workerd.js";

let calls = 0;
let page;

async function origin(request) {
  calls++;
  const url = new URL(request.url);
  const headers = { "content-type": "text/plain", "x-calls": String(calls) };
  if (url.pathname === "/vary") headers.vary = "Accept-Language";
  if (url.pathname === "/private") headers["cache-control"] = "private";
  if (url.pathname === "/cookie") headers["set-cookie"] = "session=alice";
  const body = request.method === "HEAD" ? null : `${url.pathname} lang=${request.headers.get("accept-language")} auth=${request.headers.get("authorization")} #${calls}`;
  return new Response(body, { headers });
}

export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname === "/calls") return Response.json({ calls });
    page ??= cachePage(origin, { timeout: 300, cache: new Cache({ store: stores.cloudflareKV(env.KV), keyPrefix: "pages" }), cacheStatusHeader: "X-Cache", etag: true });
    return page(request, env);
  },
};
