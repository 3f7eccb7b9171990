// The foundation benchmark: throughput ratios against lru-cache, lru.min and a Map in one
// interleaved process; memory, GC and cold start in fresh processes. Writes RESULTS.md and
// results.json next to this file. Run: `make bench` (node --expose-gc bench/run.mjs).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { gzipSync } from "node:zlib";
import { throughput, bytesVersusCopy } from "./throughput.mjs";
import { peers } from "./caches.mjs";

const here = new URL(".", import.meta.url);
const pkgFile = (f) => new URL(`../pkg/${f}`, import.meta.url);
const quick = process.env.BENCH_QUICK === "1";
const version = (p) => JSON.parse(readFileSync(new URL(`../node_modules/${p}/package.json`, import.meta.url))).version;

const results = {
  machine: { cpu: cpus()[0].model, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  versions: { edgecache: JSON.parse(readFileSync(pkgFile("package.json"))).version, "lru-cache": version("lru-cache"), "lru.min": version("lru.min") },
  throughput: [],
};

const runs = quick
  ? [{ size: 10_000, valueKind: "100 B string", ops: 100_000 }]
  : [
      { size: 10_000, valueKind: "100 B string", ops: 200_000 },
      { size: 10_000, valueKind: "1 KB string", ops: 200_000 },
      { size: 10_000, valueKind: "10 KB Uint8Array", ops: 50_000 },
      { size: 1_000_000, valueKind: "100 B string", ops: 200_000 },
    ];
for (const run of runs) {
  console.error(`throughput: ${run.size} entries, ${run.valueKind}`);
  results.throughput.push({ ...run, nsPerOp: throughput(run) });
  globalThis.gc?.();
}
results.bytesVersusCopy = bytesVersusCopy();

console.error("memory and GC: one fresh process per cache");
results.memory = Object.keys(peers).map((name) => {
  const out = execFileSync(process.execPath, ["--expose-gc", "--max-old-space-size=8192", new URL("memory-child.mjs", here).pathname, name], {
    encoding: "utf8",
    env: { ...process.env, ENTRIES: quick ? "100000" : "1000000" },
  });
  return JSON.parse(out);
});

const cold = [];
for (let i = 0; i < 7; i++) {
  cold.push(JSON.parse(execFileSync(process.execPath, [new URL("coldstart-child.mjs", here).pathname], { encoding: "utf8" })).ms);
}
cold.sort((a, b) => a - b);
// Everything the Node entry loads: the module, the glue and every JS file it imports.
const files = ["edgecache_bg.wasm", "edgecache.js", "api.js", "node.js", "fast.js", "ready.js", "errors.js", "cache.js", "http.js", ...readdirSync(pkgFile("stores")).map((f) => `stores/${f}`)];
const bytes = Buffer.concat(files.map((f) => readFileSync(pkgFile(f))));
results.size = { files, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, wasmRaw: readFileSync(pkgFile("edgecache_bg.wasm")).length, coldStartMs: cold[3] };

writeFileSync(new URL("results.json", here), JSON.stringify(results, null, 2) + "\n");
writeFileSync(new URL("RESULTS.md", here), report(results));
console.log(report(results));

function report(r) {
  const fmt = (x, d = 0) => x.toFixed(d);
  const lines = [
    "# Benchmark results",
    "",
    `Machine: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB; Node ${r.machine.node}.`,
    `Versions: edgecache ${r.versions.edgecache}, lru-cache ${r.versions["lru-cache"]}, lru.min ${r.versions["lru.min"]}.`,
    "Throughput: one process, 7 interleaved rounds, median ns/op; ratio = lru-cache max ns / edgecache ns (above 1 = edgecache faster).",
    "Reproduce: `make bench` (writes this file and results.json).",
    "",
  ];
  for (const t of r.throughput) {
    lines.push(`## ${t.size.toLocaleString("en")} entries, ${t.valueKind}`, "");
    const names = Object.keys(t.nsPerOp[Object.keys(t.nsPerOp)[0]]);
    lines.push(`| workload | ${names.join(" | ")} | ratio vs lru-cache max |`, `|---|${names.map(() => "---:").join("|")}|---:|`);
    for (const [w, row] of Object.entries(t.nsPerOp)) {
      lines.push(`| ${w} | ${names.map((n) => fmt(row[n])).join(" | ")} | ${fmt(row["lru-cache max"] / row.edgecache, 2)}x |`);
    }
    lines.push("");
  }
  const lru = r.memory.find((m) => m.name === "lru-cache max");
  const ours = r.memory.find((m) => m.name === "edgecache");
  lines.push(`## Memory and GC (${r.memory[0].entries.toLocaleString("en")} entries of 20 B keys and 100 B values, fresh process each)`, "");
  lines.push("| cache | bytes/entry (heap+external) | RSS/entry | forced full GC ms | GC pause in loop ms | p99 request ms | max request ms |", "|---|---:|---:|---:|---:|---:|---:|");
  for (const m of r.memory) {
    lines.push(`| ${m.name} | ${fmt(m.bytesPerEntry)} | ${fmt(m.rssPerEntry)} | ${fmt(m.forcedFullGcMs, 1)} | ${fmt(m.gcPauseMs, 1)} | ${fmt(m.p99Ms, 4)} | ${fmt(m.maxMs, 2)} |`);
  }
  lines.push("");
  const t1m = r.throughput.find((t) => t.size === 1_000_000);
  const t10k = r.throughput.find((t) => t.size === 10_000 && t.valueKind === "100 B string");
  const ratio = (t, w) => (t ? t.nsPerOp[w]["lru-cache max"] / t.nsPerOp[w].edgecache : NaN);
  const targets = [
    ["bytes/entry at 1M (heap + external, wasm memory included), ratio to lru-cache max", ours.bytesPerEntry / lru.bytesPerEntry, "<= 0.70", (x) => x <= 0.7],
    ["RSS/entry at 1M, ratio to lru-cache max (for reference)", ours.rssPerEntry / lru.rssPerEntry, "<= 0.70", (x) => x <= 0.7],
    ["forced full GC, ratio", ours.forcedFullGcMs / lru.forcedFullGcMs, "<= 0.10", (x) => x <= 0.1],
    ["max request latency in GC workload, ratio", ours.maxMs / lru.maxMs, "<= 0.15", (x) => x <= 0.15],
    ["set new key into full cache at 1M, speed ratio", ratio(t1m, "set of a new key into a full cache"), ">= 1.2", (x) => x >= 1.2],
    ["get-hit fresh keys 100 B at 1M, speed ratio", ratio(t1m, "get-hit, fresh key strings"), ">= 1.0", (x) => x >= 1.0],
    ["get-hit fresh keys 100 B at 10k, speed ratio", ratio(t10k, "get-hit, fresh key strings"), ">= 0.6", (x) => x >= 0.6],
    ["10 KB Uint8Array get / slice() copy", r.bytesVersusCopy.get / r.bytesVersusCopy.slice, "<= 2", (x) => x <= 2],
    ["package wasm + JS, gzip KB", r.size.gzip / 1024, "<= 48", (x) => x <= 48],
    ["cold compile + instantiate, ms", r.size.coldStartMs, "<= 3", (x) => x <= 3],
  ];
  lines.push("## Targets", "", "| target | measured | goal | met |", "|---|---:|---|---|");
  for (const [name, x, goal, ok] of targets) lines.push(`| ${name} | ${Number.isFinite(x) ? fmt(x, 2) : "not run"} | ${goal} | ${Number.isFinite(x) ? (ok(x) ? "yes" : "**no**") : "-"} |`);
  lines.push("", `Package: ${r.size.files.join(" + ")}: ${r.size.raw} B raw, ${r.size.gzip} B gzip -9 (wasm alone ${r.size.wasmRaw} B raw). Cold start: median of 7 fresh processes.`, "");
  lines.push(...floors(r, t10k, lru, ours));
  // The eviction policy's trace replay (bench/replay.mjs) writes its own section.
  const policy = new URL("POLICY-RESULTS.md", here);
  if (existsSync(policy)) lines.push(readFileSync(policy, "utf8"));
  return lines.join("\n");
}

/** What the wasm boundary floor (bench/boundary-floor.mjs) says about two of the targets. */
function floors(r, t10k, lru, ours) {
  const FLOOR = "wasm boundary (floor)";
  const floor = r.memory.find((m) => m.name === FLOOR);
  const lines = ["## Floors", ""];
  if (t10k) {
    const row = t10k.nsPerOp["get-hit, fresh key strings"];
    const budget = row["lru-cache max"] / 0.6;
    lines.push(
      `- get-hit, fresh keys, 100 B at 10k: the boundary alone (write the key, one call, decode 100 B) costs ${row[FLOOR].toFixed(0)} ns, ${(row["lru-cache max"] / row[FLOOR]).toFixed(2)}x of lru-cache max. ` +
        `The 0.6x target is ${budget.toFixed(0)} ns, which leaves ${(budget - row[FLOOR]).toFixed(0)} ns for the store's own work (key, hash, lookup, recency); here it takes ${(row.edgecache - row[FLOOR]).toFixed(0)} ns.`,
    );
  }
  if (floor) {
    lines.push(
      `- Max request latency in the GC workload: the same loop over a store that holds nothing has a max of ${floor.maxMs.toFixed(2)} ms (the harness's own scavenges), ${(floor.maxMs / lru.maxMs).toFixed(2)}x of lru-cache max's ${lru.maxMs.toFixed(2)} ms; edgecache's is ${(ours.maxMs / floor.maxMs).toFixed(2)}x of that floor.`,
    );
  }
  lines.push("");
  return lines;
}
