// One fresh process per cache: bytes per entry and GC behaviour with 1M entries resident.
// argv: cache name. Prints JSON. Run with --expose-gc.
import { PerformanceObserver } from "node:perf_hooks";
import { peers } from "./caches.mjs";

const name = process.argv[2];
const N = Number(process.env.ENTRIES ?? 1_000_000);
const value = "v".repeat(100);
// The measure: JS heap plus external memory, which includes every ArrayBuffer
// (arrayBuffers is a part of external, not added twice) and wasm linear memory at its full
// grown size, touched or not.
const used = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

gc(); gc();
const before = used();
const rssBefore = process.memoryUsage().rss;
const cache = peers[name](N, 100);
// 20-byte keys.
const key = (i) => "k" + String(i).padStart(19, "0");
for (let i = 0; i < N; i++) cache.set(key(i), value);
gc(); gc();
const after = used();
const bytesPerEntry = (after - before) / N;
const rssPerEntry = (process.memoryUsage().rss - rssBefore) / N;

// A forced full GC with the entries resident.
const gcRuns = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  gc();
  gcRuns.push(performance.now() - t0);
}
gcRuns.sort((a, b) => a - b);

// An allocation-heavy request loop: build a key, read, allocate garbage, sometimes write.
let pause = 0;
const obs = new PerformanceObserver((list) => { for (const e of list.getEntries()) pause += e.duration; });
obs.observe({ entryTypes: ["gc"] });
const REQUESTS = 300_000;
const lat = new Float64Array(REQUESTS);
let sink = 0;
for (let r = 0; r < REQUESTS; r++) {
  const t0 = performance.now();
  const i = (r * 7919) % N;
  const v = cache.get(key(i));
  const garbage = { id: r, parts: [v, String(r), { nested: [r, r + 1] }], text: `request ${r}` };
  sink += garbage.parts.length;
  if (r % 10 === 0) cache.set(key((r * 104729) % N), value);
  lat[r] = performance.now() - t0;
}
await new Promise((resolve) => setTimeout(resolve, 100));
obs.disconnect();
lat.sort();
console.log(JSON.stringify({
  name,
  entries: N,
  bytesPerEntry,
  rssPerEntry,
  forcedFullGcMs: gcRuns[2],
  gcPauseMs: pause,
  p99Ms: lat[Math.floor(REQUESTS * 0.99)],
  maxMs: lat[REQUESTS - 1],
  sink: sink > 0,
}));
