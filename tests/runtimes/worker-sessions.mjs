// A Worker with sessions({ engine: "cachedDb" }): a MemoryCache in front of the real Workers
// KV binding, plus a cachePage'd page; driven by tests/js/workerd-sessions.test.mjs.
import { MemoryCache, Cache, cachePage, sessions, getSession, stores } from "../../pkg/workerd.js";

let offset = 0; // ms added to the clock by /advance (expiry without sleeping)
const clock = { now: () => Date.now() + offset };
const memory = new MemoryCache({ clock, maxEntries: 100 });
const storeReads = { n: 0 };
let app;

/** The KV adapter, counting reads so the test sees when the store answered. */
function counted(kv) {
  const store = stores.cloudflareKV(kv);
  return { ...store, limits: store.limits, get: (key) => (storeReads.n++, store.get(key)) };
}

async function view(request) {
  const url = new URL(request.url);
  const session = getSession(request);
  switch (url.pathname) {
    case "/login":
      session.set("user", url.searchParams.get("u"));
      await session.cycleKey(); // sign-in: new key, the anonymous one is deleted
      return new Response(`welcome ${session.get("user")}`);
    case "/flush":
      await session.flush();
      return new Response("bye");
    case "/page":
      return new Response(`page for ${session.get("user", "anonymous")} at ${clock.now()}`);
    default:
      return Response.json({ user: session.get("user", null), key: session.sessionKey });
  }
}

function build(env) {
  const withSessions = sessions({ cache: memory, engine: "cachedDb", store: counted(env.KV), clock, maxAge: 3600 });
  const pages = new Cache({ store: stores.cloudflareKV(env.KV), keyPrefix: "pages", clock });
  const page = cachePage(withSessions(view), { timeout: 300, cache: pages, clock, cacheStatusHeader: "X-Cache" });
  const rest = withSessions(view);
  return (request, env2, ctx) => (new URL(request.url).pathname === "/page" ? page(request, env2, ctx) : rest(request, env2, ctx));
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === "/evict") {
      memory.clear();
      return new Response("evicted");
    }
    if (url.pathname === "/advance") {
      offset += Number(url.searchParams.get("s")) * 1000;
      return new Response("ok");
    }
    if (url.pathname === "/reads") return Response.json(storeReads);
    app ??= build(env);
    return app(request, env, ctx);
  },
};
