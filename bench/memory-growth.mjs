// Wasm memory while MemoryCache fills: its size, the grow steps, RSS and the full GCs V8 ran.
// Usage: node bench/memory-growth.mjs [entries = 1000000] [thousands of JS ballast objects = 0]
// (the ballast stands for an application's own heap, which every full GC has to mark).
import { PerformanceObserver, constants } from "node:perf_hooks";
import { initSync } from "../pkg/edgecache.js";
import { MemoryCache } from "../pkg/node.js";

const N = Number(process.argv[2] ?? 1_000_000);
const BALLAST = Number(process.argv[3] ?? 0);
// The Node loader already instantiated the module; initSync hands back the same exports.
const memory = initSync({ module: new Uint8Array(0) }).memory;
const ballast = Array.from({ length: BALLAST * 1000 }, (_, i) => ({ a: `x${i}`, b: [i, i + 1], c: { d: i } }));

let fullGcs = 0;
let fullGcMs = 0;
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      fullGcs++;
      fullGcMs += e.duration;
    }
  }
});
observer.observe({ entryTypes: ["gc"] });

const cache = new MemoryCache({ maxEntries: N, timeout: null });
const value = "v".repeat(100);
const key = (i) => "k" + String(i).padStart(19, "0");
const rss0 = process.memoryUsage().rss;
const steps = [];
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  cache.set(key(i), value);
  if ((i & 1023) === 0 && memory.buffer.byteLength >> 20 !== steps.at(-1)) steps.push(memory.buffer.byteLength >> 20);
}
const fillMs = performance.now() - t0;
await new Promise((resolve) => setTimeout(resolve, 50));
observer.disconnect();
const mib = memory.buffer.byteLength / 2 ** 20;
console.log(JSON.stringify({
  entries: N,
  ballastObjects: ballast.length,
  wasmMiB: mib,
  wasmBytesPerEntry: +(memory.buffer.byteLength / N).toFixed(1),
  accountedBytesPerEntry: cache.stats().bytes / N,
  rssBytesPerEntry: +((process.memoryUsage().rss - rss0) / N).toFixed(1),
  growStepsMiB: steps.join(","),
  fullGcs,
  fullGcMs: +fullGcMs.toFixed(0),
  fillMs: +fillMs.toFixed(0),
}));
