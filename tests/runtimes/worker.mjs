// A Worker that imports the package the way a bundled Worker does (the .wasm as a module)
// and exercises MemoryCache inside workerd; run by tests/js/workerd.test.mjs.
import { MemoryCache, cache, configureCaches, getCache } from "../../pkg/workerd.js";

const local = new MemoryCache({ maxEntries: 30 });

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/count") {
      // The module-level cache survives across requests in one isolate.
      local.add("hits", 0, null);
      return Response.json({ count: local.incr("hits") });
    }
    const c = new MemoryCache({ keyPrefix: "w" });
    c.set("obj", { at: new Date(0), list: [1, 2n, null], bytes: new Uint8Array([1, 2, 3]) });
    const got = c.get("obj");
    for (let i = 1; i < 50; i++) local.set(`cull${i}`, i);
    configureCaches({ default: { keyPrefix: "edge" }, off: { backend: "dummy" } });
    cache.set("k", "via proxy");
    return Response.json({
      key: c.makeKey("obj"),
      date: got.at.toISOString(),
      big: got.list[1].toString(),
      bytes: Array.from(got.bytes),
      isU8: got.bytes instanceof Uint8Array,
      culled: local.size,
      proxy: getCache("default").get("k"),
      proxyKey: cache.makeKey("k"),
      same: getCache("off") === getCache("off"),
    });
  },
};
