// Deno.serve with pages cached in Deno KV: deno run --unstable-kv --allow-net examples/deno-serve.js
import { Cache, cachePage, stores } from "npm:edgecache";

const kv = await Deno.openKv();
const cache = new Cache({ store: stores.denoKV(kv), keyPrefix: "pages" });
Deno.serve(cachePage((request) => new Response(`hello ${new URL(request.url).pathname}`), { timeout: 60, cache }));
