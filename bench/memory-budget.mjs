// Wasm memory against MemoryCache's byte budget (the target: at most 1.25x the budget
// plus a small fixed overhead, under churn and mixed sizes), and the same with refused values
// (larger than the budget) in the mix. Each run is a fresh process: wasm memory never shrinks.
// Usage: node bench/memory-budget.mjs            (all rows, writes bench/MEMORY-BUDGET.md)
//        node bench/memory-budget.mjs child MB refused
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const MIB = 2 ** 20;

async function child(budgetMib, refused, uniform) {
  const { initSync } = await import("../pkg/edgecache.js");
  const { MemoryCache } = await import("../pkg/node.js");
  const memory = initSync({ module: new Uint8Array(0) }).memory;
  const base = memory.buffer.byteLength;
  const cache = new MemoryCache({ maxBytes: budgetMib * MIB, maxEntries: 10_000_000, timeout: null });
  let x = 12345;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  const sizes = uniform ? [1000] : [100, 300, 1000, 3000, 16_000];
  const object = (n) => ({ id: n, name: `user ${n}`, tags: ["a", "b"], score: n / 7, bio: "x".repeat(n % 500) });
  // Writes of three times the budget, to keys drawn from a space twice the entries that fit.
  let written = 0;
  let i = 0;
  while (written < 3 * budgetMib * MIB) {
    const size = sizes[Math.floor(next() * sizes.length)];
    const key = `k${Math.floor(next() * ((budgetMib * MIB) / 800))}`;
    if (refused && i % 50 === 0) {
      cache.set(key, "r".repeat(budgetMib * MIB + 1)); // over the budget: refused
      cache.set(key, new Uint8Array(budgetMib * MIB + 1));
    } else if (!uniform && i % 3 === 0) {
      cache.set(key, object(size));
    } else {
      cache.set(key, "v".repeat(size));
    }
    written += size;
    i++;
  }
  const stats = cache.stats();
  console.log(JSON.stringify({ budget: budgetMib * MIB, wasm: memory.buffer.byteLength, base, bytes: stats.bytes, rejected: stats.rejected, entries: stats.entries }));
}

if (process.argv[2] === "child") {
  await child(Number(process.argv[3]), process.argv[4] === "1", process.argv[5] === "1");
} else {
  const script = fileURLToPath(import.meta.url);
  const rows = [];
  const runs = [[4, 1, 0], [16, 0, 0], [16, 1, 0], [48, 0, 0], [100, 0, 0], [16, 0, 1], [48, 0, 1], [100, 0, 1]];
  for (const [mib, refused, uniform] of runs) {
    const r = JSON.parse(execFileSync(process.execPath, [script, "child", String(mib), String(refused), String(uniform)], { encoding: "utf8", maxBuffer: 1 << 26 }));
    const over = (r.wasm - r.base) / r.budget;
    rows.push({ mib, refused, uniform, ...r, ratio: r.wasm / r.budget, over });
    console.log(`maxBytes ${mib} MiB${uniform ? ", 1 KB strings" : ", mixed"}${refused ? " + refused values" : ""}: wasm memory ${(r.wasm / MIB).toFixed(1)} MiB = ${(r.wasm / r.budget).toFixed(2)}x the budget (${((r.wasm - r.base) / MIB).toFixed(1)} MiB grown from ${(r.base / MIB).toFixed(1)} MiB at start; ${r.entries} entries, ${r.rejected} refused)`);
  }
  const lines = [
    "# Wasm memory against the byte budget",
    "",
    "`node bench/memory-budget.mjs` (in `make bench`): each row a fresh Node process filling one",
    "MemoryCache with three times its `maxBytes` of writes (mixed: strings of 100 B to 16 KB and",
    "objects; or 1 KB strings only), keys drawn from twice the entries that fit; \"+ refused values\" adds, every 50th write, a",
    "string and a Uint8Array one byte over the budget (refused before they are copied in). Target:",
    "wasm memory at most 1.25x the budget plus a small fixed overhead (the module's start size).",
    "",
    "| maxBytes | values | refused values | wasm memory | x budget | grown from start | entries | refused |",
    "|---:|---|:---:|---:|---:|---:|---:|---:|",
    ...rows.map((r) => `| ${r.mib} MiB | ${r.uniform ? "1 KB strings" : "mixed"} | ${r.refused ? "yes" : "no"} | ${(r.wasm / MIB).toFixed(1)} MiB | ${r.ratio.toFixed(2)}x | ${((r.wasm - r.base) / MIB).toFixed(1)} MiB (${r.over.toFixed(2)}x) | ${r.entries} | ${r.rejected} |`),
    "",
  ];
  writeFileSync(new URL("./MEMORY-BUDGET.md", import.meta.url), lines.join("\n"));
}
