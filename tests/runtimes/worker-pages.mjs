// A Worker whose handler counts its own invocations, wrapped in cachePage over a Cache
// backed by the real Workers KV binding; driven by tests/js/workerd-pages.test.mjs.
import { Cache, cachePage, stores } from "../../pkg/workerd.js";

let calls = 0;
let page;
let offset = 0; // ms added to the clock by /advance (TTL tests without sleeping)
const clock = { now: () => Date.now() + offset };

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
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === "/calls") return Response.json({ calls });
    if (url.pathname === "/advance") {
      offset += Number(url.searchParams.get("s")) * 1000;
      return new Response("ok");
    }
    page ??= cachePage(origin, {
      timeout: 300,
      staleWhileRevalidate: 60,
      clock,
      cache: new Cache({ store: stores.cloudflareKV(env.KV), keyPrefix: "pages", clock }),
      cacheStatusHeader: "X-Cache",
      etag: true,
    });
    return page(request, env, ctx);
  },
};
