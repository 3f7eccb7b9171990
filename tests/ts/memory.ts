// A user's TypeScript file importing `edgecache/memory`, compiled with `tsc --strict --noEmit`
// against pkg/memory's types: the synchronous caches, with the methods js/extras.js adds.
import { MemoryCache, DummyCache, cache, configureCaches, getCache, makeTemplateFragmentKey, type CacheStats } from "edgecache/memory";

const memory = new MemoryCache({ maxEntries: 100, timeout: 60 });
memory.set("user:1", { id: 1, name: "Ada" });
const made: string | number = memory.getOrSet("n", () => 1);
const view = memory.namespace("users");
view.set("a", 1);
const token: string = memory.invalidateNamespace("users");
const stats: CacheStats = memory.stats();
const dummy: DummyCache = new DummyCache();
configureCaches({ default: { backend: "memory", maxEntries: 10 } });
const fromRegistry: MemoryCache | DummyCache = getCache("default");
const key: string = makeTemplateFragmentKey("sidebar", ["en"]);
cache.set("k", 1);
console.log(made, token, stats.hits, dummy, fromRegistry, key);

// @ts-expect-error the async tier is not part of edgecache/memory
import { Cache } from "edgecache/memory";
console.log(Cache);
