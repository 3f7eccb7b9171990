// Runs inside the real deno binary (spawned by tests/js/deno.test.mjs); prints JSON.
import { MemoryCache, cache } from "../../pkg/deno.js";

const c = new MemoryCache({ maxEntries: 30, clock: { now: () => 1000 } });
c.set("m", new Map([["k", new Set([1n])]]), 5);
const map = c.get("m");
for (let i = 1; i < 50; i++) c.set(`cull${i}`, "x");
c.set("n", 41);
cache.set("p", "proxy");
console.log(JSON.stringify({
  runtime: `deno ${Deno.version.deno}`,
  map: [...map.get("k")].map(String),
  incr: c.incr("n"),
  size: c.size,
  proxy: cache.get("p"),
}));
