// Run by tests/js/trust.test.mjs in a fresh process, so the scratch buffer and the encoder's
// region of wasm memory are still small: wasm memory is filled to a cap, then sets that need
// either to grow must throw OUT_OF_MEMORY (they trapped with "unreachable"), and so must sets
// whose keys get a warning (its text is allocated before the entry: near the end of memory,
// entries now stop while a reserve is left for such allocations). Prints what each call did.
import { Cache, MemoryCache, stores } from "../../pkg/node.js";
import { __setMemoryLimit } from "../../pkg/edgecache.js";

const cache = new MemoryCache({ maxEntries: 1_000_000 });
const current = __setMemoryLimit(0);
__setMemoryLimit(current + (4 << 20));
const outcome = (run) => {
  try {
    run();
    return "ok";
  } catch (e) {
    return e.code ?? `${e.constructor.name}: ${e.message}`;
  }
};
let filled = 0;
const fill = outcome(() => {
  for (; filled < 1_000_000; filled++) cache.set(`k${filled}`, "v".repeat(100));
});
cache.delete("k0"); // a little room: small sets fit, growing the buffers does not
const out = {
  fill,
  longString: outcome(() => cache.set("long string", "s".repeat(60_000))),
  object: outcome(() => cache.set("object", { t: "y".repeat(50_000) })),
  largeObject: outcome(() => cache.set("large object", { t: "x".repeat(100_000) })),
  warnedKeys: outcome(() => {
    for (let i = 0; i < 100_000; i++) cache.set(`warned key ${i}`, "w".repeat(100));
  }),
  // Reads through the general path (strings copied in by wasm-bindgen, results made): they need
  // a little memory, which the reserve holds for them.
  reads: outcome(() => {
    if (cache.get("x".repeat(70_000)) !== undefined) throw new Error("a long key read a value");
    if (cache.getMany(Array.from({ length: 100 }, (_, i) => `k${i + 1}`)).size !== 100) throw new Error("getMany lost keys");
    if (cache.has("k5", { version: 1 }) !== true) throw new Error("has with a version");
    if (cache.get(12345, "d") !== "d") throw new Error("a number key");
  }),
  incrMissing: outcome(() => cache.incr("absent")),
};
// About 2 MB given back: small sets fit again (past the 1 MiB reserve), growing still does not.
for (let i = 1; i <= 15_000; i++) cache.delete(`k${i}`);
out.smallObject = outcome(() => cache.set("small", { a: [1] }));
out.smallRead = JSON.stringify(cache.get("small"));
out.kept = cache.get(`k${filled - 1}`);
cache.clear();
out.afterClear = outcome(() => cache.set("long string", "s".repeat(60_000))) + " " + outcome(() => cache.set("object", { t: "y".repeat(50_000) }));
out.read = cache.get("object")?.t.length;
// An async Cache whose memory tier fills what is left keeps writing to its store: the tier
// stops taking entries, the writes do not fail (an earlier reserve refused them all).
const tiered = new Cache({ store: stores.memory(), memory: { maxEntries: 1_000_000 }, timeout: null, onError() {} });
let written = 0;
for (let i = 0; i < 40_000; i++) {
  try {
    await tiered.set(`t${i}`, { i, s: "v".repeat(100) });
    written++;
  } catch {
    // counted by what is missing from `written`
  }
}
out.tierWrites = written;
out.tierRead = (await tiered.get("t39999"))?.i;
console.log(JSON.stringify(out));
