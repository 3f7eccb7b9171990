// A Worker running the async Cache suite inside workerd against its real bindings:
// Workers KV (env.KV), D1 (env.DB) and the Cache API (caches.default). One case per request
// (a Worker invocation has a budget of KV operations). Driven by tests/js/workerd-stores.test.mjs.
import { Cache, stores, configureCaches, getCache } from "../../pkg/workerd.js";
import { cases } from "../suite/cache-suite.mjs";

let tableReady;

function makers(env) {
  return {
    kv: () => stores.cloudflareKV(env.KV),
    kvBase64: () => stores.cloudflareKV(env.KV, { encoding: "base64" }),
    d1: () => stores.sql(env.DB, { maxEntries: 100_000 }),
    cacheApi: () => stores.cacheStorage(caches.default),
  };
}

async function cull(env, cullFrequency) {
  const store = stores.sql(env.DB, { table: `cull${cullFrequency}`, maxEntries: 30, cullFrequency });
  await store.createCacheTable();
  const c = new Cache({ store, memory: false });
  for (let i = 0; i < 49; i++) await c.set(`k${i}`, i);
  return (await env.DB.prepare(`SELECT COUNT(*) AS n FROM cull${cullFrequency}`).first()).n;
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    tableReady ??= stores.sql(env.DB).createCacheTable();
    await tableReady;
    const make = makers(env)[url.searchParams.get("store")];
    if (url.pathname === "/cases") return Response.json(Object.keys(cases({ Cache, makeStore: make })));
    if (url.pathname === "/run") {
      const run = cases({ Cache, makeStore: make })[url.searchParams.get("case")];
      try {
        await run();
        return Response.json({ ok: true });
      } catch (error) {
        return Response.json({ ok: false, error: String(error?.stack ?? error) });
      }
    }
    if (url.pathname === "/cull") return Response.json({ three: await cull(env, 3), zero: await cull(env, 0) });
    if (url.pathname === "/kv-details") {
      // What lands in KV: the physical TTL is raised to KV's 60 s minimum, the key is
      // shortened under 512 bytes, and the registry builds a Cache from backend "kv".
      configureCaches({ default: {}, kv: { backend: "kv", store: stores.cloudflareKV(env.KV), keyPrefix: "reg" } });
      const c = getCache("kv");
      await c.set("short", "v", 5);
      await c.set("x".repeat(1000), "long");
      const listed = (await env.KV.list({ prefix: "reg:" })).keys;
      return Response.json({
        isCache: c instanceof Cache,
        expirations: listed.map((k) => (k.expiration ? k.expiration - Math.floor(Date.now() / 1000) : null)),
        keyLengths: listed.map((k) => new TextEncoder().encode(k.name).length),
        long: await new Cache({ store: stores.cloudflareKV(env.KV), keyPrefix: "reg", memory: false }).get("x".repeat(1000)),
      });
    }
    return new Response("not found", { status: 404 });
  },
};
