// Run by tests/js/trust.test.mjs in a fresh process, so the scratch buffer and the encoder's
// region of wasm memory are still small: wasm memory is filled to a cap, then sets that need
// either to grow must throw OUT_OF_MEMORY (they once trapped with "unreachable", and every
// object set after kept trapping until memory was freed). Prints what each call did, as JSON.
import { MemoryCache } from "../../pkg/node.js";
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
  longString: outcome(() => cache.set("long-string", "s".repeat(60_000))),
  object: outcome(() => cache.set("object", { t: "y".repeat(50_000) })),
  largeObject: outcome(() => cache.set("large-object", { t: "x".repeat(100_000) })),
  smallObject: outcome(() => cache.set("small", { a: [1] })),
};
out.smallRead = JSON.stringify(cache.get("small"));
out.kept = cache.get("k1");
cache.clear();
out.afterClear = outcome(() => cache.set("long-string", "s".repeat(60_000))) + " " + outcome(() => cache.set("object", { t: "y".repeat(50_000) }));
out.read = cache.get("object")?.t.length;
console.log(JSON.stringify(out));
