// A Hono app on Cloudflare Workers: product pages cached by honoCache in Workers KV (binding
// CACHE) and tagged, a route that invalidates the tag, and a cart kept in a session.
// `export default app` also serves it under Deno and Bun (give them another store).
import { Hono } from "hono";
import { env } from "cloudflare:workers";
import { Cache, MemoryCache, honoCache, sessions, stores } from "edgecache";

const cache = new Cache({ store: stores.cloudflareKV(env.CACHE), keyPrefix: "shop" });
const withSessions = sessions({ cache: new MemoryCache({ maxEntries: 10_000 }), engine: "cachedDb", store: stores.cloudflareKV(env.CACHE) });

const app = new Hono();

// Django: @cache_page(60) on the product views; tags let one call drop them all.
app.use("/products/*", honoCache({ timeout: 60, cache, cacheStatusHeader: "X-Cache", tags: ["products"] }));
app.get("/products/:id", (c) => c.json({ id: Number(c.req.param("id")), price: 12, renderedAt: Date.now() }));

app.post("/admin/prices", async (c) => {
  await cache.invalidateTags(["products"]); // every instance sees it on its next read of a page
  return c.text("product pages invalidated");
});

// A per-user cart in the session (Django's request.session); its responses vary on Cookie.
app.use("/cart/*", withSessions.hono);
app.post("/cart/:id", (c) => {
  const session = c.get("session");
  session.set("cart", [...session.get("cart", []), Number(c.req.param("id"))]);
  return c.json({ cart: session.get("cart") });
});
app.get("/cart/", (c) => c.json({ cart: c.get("session").get("cart", []) }));

export default app;
