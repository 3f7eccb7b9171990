// Deno.serve with pages cached in Deno KV:
// deno run --unstable-kv --allow-net --allow-env examples/deno-serve.js   (PORT, default 8000)
import { Cache, cachePage, stores } from "npm:edgecache";

const kv = await Deno.openKv();
const cache = new Cache({ store: stores.denoKV(kv), keyPrefix: "pages" });
const handler = cachePage((request) => new Response(`hello ${new URL(request.url).pathname} at ${Date.now()}`), { timeout: 60, cache });
Deno.serve({ port: Number(Deno.env.get("PORT") ?? 8000) }, handler);
