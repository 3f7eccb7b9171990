// Trace replay: the real MemoryCache (pkg/node.js) under policy "lru" and "adaptive" (a fixed
// seed, so a fixed hash) on the gzip key-per-line traces of ../shared/traces, next to the
// reference simulators' LRU and OPT (hitratio.py) and W-TinyLFU with the best static window
// (hitratio2.py's wtlfu-wNN, cached in bench/static-windows.json: minutes of Python to
// recompute); then get-hit and set throughput of both policies.
// Writes bench/POLICY-RESULTS.md (included in RESULTS.md by bench/run.mjs).
// Usage: node bench/replay.mjs [traces dir]   BENCH_QUICK=1: web12 only.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { MemoryCache } from "../pkg/node.js";

const dir = process.argv[2] ?? new URL("../../shared/traces/", import.meta.url).pathname;
const quick = process.env.BENCH_QUICK === "1";
const TRACES = quick ? ["web12"] : ["web12", "cloudphysics", "oltp"];

function readTrace(name) {
  const text = gunzipSync(readFileSync(`${dir}/${name}.keys.txt.gz`)).toString("latin1");
  return text.split("\n").filter((line) => line !== "" && line[0] !== "*").map((line) => line.split(/\s/, 1)[0]);
}

/** Hit ratio (%) of a MemoryCache of `size` entries replaying `keys` (get, then set on a miss). */
function replay(keys, size, policy) {
  // cullFrequency = maxEntries: "lru" evicts one entry at a time, as the reference LRU does.
  const cache = new MemoryCache({ maxEntries: size, cullFrequency: size, policy, timeout: null, seed: 1 });
  let hits = 0;
  for (const key of keys) {
    if (cache.get(key) !== undefined) hits++;
    else cache.set(key, 1);
  }
  if (cache.size > size) throw new Error(`${policy} held ${cache.size} > ${size} entries`);
  return { ratio: (100 * hits) / keys.length, window: cache.stats().window };
}

const WINDOWS = [1, 5, 10, 20, 40, 60, 80, 95];
const staticFile = new URL("./static-windows.json", import.meta.url);
const statics = existsSync(staticFile) ? JSON.parse(readFileSync(staticFile, "utf8")) : {};

/** W-TinyLFU's best static window for `name` at each size: { size: [ratio, window %] }. */
function bestStatic(name, sizes) {
  const missing = sizes.filter((size) => statics[name]?.[size] === undefined);
  if (missing.length > 0) {
    const policies = WINDOWS.map((w) => `wtlfu-w${w}`).join(",");
    const out = execFileSync("python3", [`${dir}/hitratio2.py`, `${dir}/${name}.keys.txt.gz`, "--sizes", missing.join(","), "--policies", policies], { encoding: "utf8", maxBuffer: 1 << 24 });
    for (const line of out.split("\n")) {
      const m = /^\s*(\d+)\s+\S+((?:\s+[\d.]+%)+)/.exec(line);
      if (!m) continue;
      const ratios = m[2].trim().split(/\s+/).map((x) => Number.parseFloat(x));
      const best = ratios.indexOf(Math.max(...ratios));
      (statics[name] ??= {})[m[1]] = [ratios[best], WINDOWS[best]];
    }
    writeFileSync(staticFile, `${JSON.stringify(statics, null, 1)}\n`);
  }
  return new Map(sizes.map((size) => [size, statics[name][size]]));
}

/** The reference simulator's LRU and OPT, by size. */
function reference(name, sizes) {
  const out = execFileSync("python3", [`${dir}/hitratio.py`, `${dir}/${name}.keys.txt.gz`, "--sizes", sizes.join(","), "--policies", "lru,opt"], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  const rows = new Map();
  for (const line of out.split("\n")) {
    const m = /^\s*(\d+)\s+\S+\s+([\d.]+)%\s+([\d.]+)%/.exec(line);
    if (m) rows.set(Number(m[1]), { lru: Number(m[2]), opt: Number(m[3]) });
  }
  return rows;
}

const rows = [];
for (const name of TRACES) {
  const keys = readTrace(name);
  const distinct = new Set(keys).size;
  const sizes = [0.001, 0.01, 0.1].map((f) => Math.max(1, Math.round(distinct * f)));
  const labels = ["0.1%", "1%", "10%"];
  if (name === "oltp") {
    sizes.push(1000, 2000, 5000);
    labels.push("1000", "2000", "5000");
  }
  const ref = reference(name, sizes);
  const best = bestStatic(name, sizes);
  sizes.forEach((size, i) => {
    const r = ref.get(size);
    const adaptive = replay(keys, size, "adaptive");
    const [staticRatio, staticWindow] = best.get(size);
    const row = { trace: name, label: labels[i], size, refLru: r.lru, opt: r.opt, lru: replay(keys, size, "lru").ratio, adaptive: adaptive.ratio, window: adaptive.window, staticRatio, staticWindow, standard: i < 3 };
    rows.push(row);
    console.log(`${name} ${labels[i]} (${size}): ref LRU ${r.lru.toFixed(2)}  lru ${row.lru.toFixed(2)}  adaptive ${row.adaptive.toFixed(2)} (window ${(100 * row.window).toFixed(0)}%)  best static ${staticRatio.toFixed(2)} (${staticWindow}%)  OPT ${r.opt.toFixed(2)}`);
  });
}

/** Median ns/op of `op` over interleaved rounds for each policy. */
function throughput() {
  const N = 10_000;
  const make = (policy) => {
    const c = new MemoryCache({ maxEntries: N, cullFrequency: N, policy, timeout: null });
    for (let i = 0; i < N; i++) c.set(`key:${i}`, "x".repeat(100));
    return c;
  };
  const work = {
    "get-hit": (c) => {
      let s = 0;
      for (let i = 0; i < 200_000; i++) s += c.get(`key:${(i * 7919) % N}`).length;
      return s;
    },
    "set of a new key into a full cache": (c) => {
      for (let i = 0; i < 100_000; i++) c.set(`new:${i}:${Math.random()}`, "y".repeat(100));
    },
  };
  const counts = { "get-hit": 200_000, "set of a new key into a full cache": 100_000 };
  const result = {};
  for (const [name, fn] of Object.entries(work)) {
    const samples = { lru: [], adaptive: [] };
    for (let round = 0; round < 7; round++) {
      for (const policy of round % 2 ? ["adaptive", "lru"] : ["lru", "adaptive"]) {
        const c = make(policy);
        const t = process.hrtime.bigint();
        fn(c);
        samples[policy].push(Number(process.hrtime.bigint() - t) / counts[name]);
      }
    }
    const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
    result[name] = { lru: median(samples.lru), adaptive: median(samples.adaptive) };
    console.log(`${name}: lru ${result[name].lru.toFixed(0)} ns, adaptive ${result[name].adaptive.toFixed(0)} ns`);
  }
  return result;
}
const speed = throughput();

const fmt = (x) => x.toFixed(2);
const avg = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const lines = [
  "## Eviction policy: hit ratio on real traces",
  "",
  `Machine: ${process.arch}, Node ${process.version}. Reproduce: \`node bench/replay.mjs\` (in \`make bench\`).`,
  "Hit ratio (%) of MemoryCache replaying each trace (get, then set on a miss; every key one entry),",
  "`policy: \"lru\"` (with cullFrequency = maxEntries: one eviction at a time) and `\"adaptive\"` (`seed: 1`,",
  "so the same run every time; `window` is the admission window's share the policy's simulations",
  "settled on, from `stats().window`), beside the reference simulators: `hitratio.py`'s LRU and OPT",
  "(Bélády with bypass, the upper bound) and `hitratio2.py`'s W-TinyLFU with each static window of",
  `${WINDOWS.join(", ")} %, the best of them (an oracle no policy has: the window is picked per row afterwards).`,
  "",
  "| trace | size | entries | LRU | lru | adaptive | window | best static window | OPT | adaptive − LRU | adaptive − best static |",
  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
];
const signed = (x) => `${x >= 0 ? "+" : ""}${fmt(x)}`;
for (const r of rows) {
  lines.push(`| ${r.trace} | ${r.label} | ${r.size} | ${fmt(r.refLru)} | ${fmt(r.lru)} | ${fmt(r.adaptive)} | ${(100 * r.window).toFixed(0)}% | ${fmt(r.staticRatio)} (${r.staticWindow}%) | ${fmt(r.opt)} | ${signed(r.adaptive - r.refLru)} | ${signed(r.adaptive - r.staticRatio)} |`);
}
const standard = rows.filter((r) => r.standard);
const gains = standard.map((r) => r.adaptive - r.refLru);
lines.push(
  "",
  `The ${standard.length} standard rows (0.1 %, 1 %, 10 %): mean gain over LRU ${signed(avg(gains))} points (target at least +3.0);`,
  `worst row against LRU ${signed(Math.min(...rows.map((r) => r.adaptive - r.refLru)))} (target at least −0.3); worst row against the best static window`,
  `${signed(Math.min(...rows.map((r) => r.adaptive - r.staticRatio)))} (target at least −1.0). All ${rows.length} rows: mean gain ${signed(avg(rows.map((r) => r.adaptive - r.refLru)))}.`,
  "",
  "Throughput (10,000 entries of 100 B strings, median of 7 interleaved rounds, ns/op):",
  "",
  "| workload | lru | adaptive | adaptive / lru |",
  "|---|---:|---:|---:|",
  ...Object.entries(speed).map(([name, s]) => `| ${name} | ${s.lru.toFixed(0)} | ${s.adaptive.toFixed(0)} | ${(s.adaptive / s.lru).toFixed(2)}x |`),
  "",
);
if (!quick || !existsSync(new URL("./POLICY-RESULTS.md", import.meta.url))) {
  writeFileSync(new URL("./POLICY-RESULTS.md", import.meta.url), lines.join("\n"));
}
console.log(lines.join("\n"));
