// Run in a fresh Node process by tests/js/trust-values.test.mjs: before the package loads,
// Object.prototype gets an accessor for each name the package uses on its own objects (class
// fields, result objects, error codes; not `value`, which breaks Node's own streams). Then a
// workload runs; prints what the setters saw and what the workload got back, as JSON.
const NAMES = [
  "polluted", "bytes", "view", "at", "end", "ascii", "utf8", "code", "state",
  "lock", "hookErrors", "status", "statusText", "headers", "fresh", "swr", "sie",
  "counts", "server", "timeout", "ready", "cache", "prefix", "db", "clock", "accessed", "modified",
  "made", "key", "record", "expired", "hits", "misses", "sets", "bytesUsed",
  "store", "stripSetCookie", "cacheControl", "vary", "etag", "ageOrigin",
];
// What some getters answer (the rest answer undefined): a field an internal result lacks must
// read as absent, not as the host's value.
const ANSWERS = { __proto__: null, stamps: [["tag", "key"]], chunks: ["chunk"], invalidated: true, corrupt: new Error("the host's"), ttl: 1, state: "early" };
const set = [];
for (const name of [...NAMES, ...Object.keys(ANSWERS)]) {
  Object.defineProperty(Object.prototype, name, {
    __proto__: null, // its own descriptor must not inherit the accessors defined before it
    configurable: true,
    get() { return ANSWERS[name]; },
    set() {
      // Who assigned: the first frame with a file (not a built-in like Object.assign). Node's
      // own internals (streams, undici) assign through such setters too; only the package's
      // frames are reported.
      const frame = new Error().stack.split("\n").slice(2).find((f) => !f.includes("(<anonymous>)")) ?? "";
      if (!frame.includes("node:")) set.push(`${name} ${frame.trim()}`);
    },
  });
}
const { MemoryCache, Cache, stores, cachePage } = await import("../../pkg/node.js");
const out = {};
const cache = new MemoryCache({ maxEntries: 100 });
const value = { id: 1, code: "c", value: [1, { state: "s" }], bytes: new Uint8Array([1, 2]), m: new Map([["k", { at: 2 }]]) };
cache.set("v", value);
out.get = cache.get("v");
out.refresh = cache.getOrSet("r", () => 5, { timeout: 60, staleWhileRevalidate: 10 });
out.stats = Object.keys(cache.stats()).length > 0 && Object.hasOwn(cache.stats(), "hookErrors");
try {
  cache.set("bad key\u0000", 1, { nonsense: true });
} catch (error) {
  out.errorCode = Object.hasOwn(error, "code") ? error.code : "inherited";
}
const shared = stores.memory();
const tier = new Cache({ store: shared, timeout: 60 });
await tier.set("t", value, { tags: ["a", "b"] });
await tier.set("u", value);
out.tier = await tier.get("t");
// Read back from the store (no memory tier): records with and without tag stamps.
const reader = new Cache({ store: shared, memory: false });
out.fromStore = [await reader.get("t"), await reader.get("u"), await reader.get("nothing")];
const page = cachePage(async () => new Response("page", { headers: { "cache-control": "max-age=60" } }), { timeout: 60, cache });
await (await page(new Request("http://host.test/p"))).text();
out.page = await (await page(new Request("http://host.test/p"))).text();
// getOrSet without refresh options: a plain hit has no `state`, and the host's "early" must
// not make every hit recompute in the background.
let computed = 0;
for (let i = 0; i < 3; i++) await tier.getOrSet("g", () => ++computed, { timeout: 60 });
const rereader = new Cache({ store: shared, memory: false });
for (let i = 0; i < 2; i++) await rereader.getOrSet("g", () => ++computed, { timeout: 60 });
await new Promise((resolve) => setTimeout(resolve, 20));
out.computed = [computed, tier.stats().refreshes + rereader.stats().refreshes];
// What a store adapter is asked: a value that never expires is put with no TTL.
const ttls = [];
const recording = { ...shared, put: (key, bytes, options) => (ttls.push(options.ttl ?? "none"), shared.put(key, bytes, options)) };
const forever = new Cache({ store: recording, timeout: null, memory: false });
await forever.set("f", 1);
await forever.invalidateTags(["a"]);
out.ttls = ttls;
// Hooks that throw: their errors are counted on counts objects the package made.
const listened = new MemoryCache();
listened.on("miss", () => {
  throw new Error("a listener's own error");
});
listened.get("a");
await cache.warm({ w: () => 1 }, { onProgress: () => {
  throw new Error("a progress hook's own error");
} });
out.warmed = cache.get("w");
console.log(JSON.stringify({ set, out }, (k, v) => (v instanceof Map ? [...v] : v instanceof Uint8Array ? [...v] : v)));
