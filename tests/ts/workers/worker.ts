// A Worker's TypeScript, compiled as a Workers project compiles it: @cloudflare/workers-types,
// no DOM lib. The package's types must not need what only a browser declares.
import { Cache, MemoryCache, cachePage, stores } from "edgecache";

interface Env {
  PAGES: KVNamespace;
  DB: D1Database;
}

let page: ((request: Request, env: Env, ctx: ExecutionContext) => Promise<Response>) | undefined;

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const local = new MemoryCache({ maxEntries: 100 });
    local.set("k", { a: 1 });
    const cache = new Cache({ store: stores.cloudflareKV(env.PAGES), keyPrefix: "site" });
    const sql = new Cache({ store: stores.sql(env.DB) });
    void sql;
    page ??= cachePage(async () => new Response("hi"), { timeout: 60, cache });
    return page(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
