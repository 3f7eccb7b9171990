// Runs inside the real deno binary: cachePage around a Deno.serve handler on a loopback
// port, exercised over real HTTP; prints JSON. Spawned by tests/js/deno-serve.test.mjs.
import { MemoryCache, cachePage } from "../../pkg/deno.js";

let calls = 0;
const handler = cachePage((request) => {
  calls++;
  return new Response(`hello ${new URL(request.url).pathname} #${calls}`, { headers: { vary: "Accept-Language" } });
}, { timeout: 60, cache: new MemoryCache(), cacheStatusHeader: "X-Cache" });

const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, handler);
const base = `http://127.0.0.1:${server.addr.port}`;
const get = async (path, headers = {}) => {
  const res = await fetch(base + path, { headers });
  return { status: res.headers.get("x-cache"), body: await res.text() };
};
const results = [await get("/a"), await get("/a"), await get("/a", { "accept-language": "fr" }), await get("/b")];
await server.shutdown();
console.log(JSON.stringify({ results, calls }));
