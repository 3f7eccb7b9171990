// Start-up: a fresh Node process that imports the package and does one set and one get, minus
// a bare process, the median over 25 rounds of the difference from that round's bare process; lru-cache beside it. The package is
// imported through the file its "node"/"import" export condition names (pkg/node.mjs, one
// bundled module), and through the unbundled module graph (pkg/node.js) for comparison.
// Usage: node bench/startup.mjs   (writes bench/STARTUP.md)
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const readFile = `import { createRequire } from "node:module"; const { readFileSync } = createRequire(import.meta.url)("node:fs");`;
const programs = {
  bare: "",
  // What importing any file costs (the ESM loader's own modules): a floor no package beats.
  "an empty module file": `import "${root}bench/empty.mjs";`,
  // What compiling each wasm costs alone (read and new WebAssembly.Module): a floor of its entry.
  // node:fs through require, as the loader does: an ES import of it loads Node's streams (~3 ms).
  "compiling edgecache's wasm alone": `${readFile} new WebAssembly.Module(readFileSync("${root}pkg/edgecache_bg.wasm"));`,
  "compiling edgecache/memory's wasm alone": `${readFile} new WebAssembly.Module(readFileSync("${root}pkg/memory/edgecache_bg.wasm"));`,
  "edgecache (pkg/node.mjs, the export)": `import { MemoryCache } from "${root}pkg/node.mjs"; const c = new MemoryCache(); c.set("k", { a: 1 }); c.get("k");`,
  "edgecache/memory (pkg/memory/node.mjs, the export)": `import { MemoryCache } from "${root}pkg/memory/node.mjs"; const c = new MemoryCache(); c.set("k", { a: 1 }); c.get("k");`,
  "edgecache (pkg/node.js, module graph)": `import { MemoryCache } from "${root}pkg/node.js"; const c = new MemoryCache(); c.set("k", { a: 1 }); c.get("k");`,
  "lru-cache": `import { LRUCache } from "${root}node_modules/lru-cache/dist/esm/index.js"; const c = new LRUCache({ max: 10 }); c.set("k", { a: 1 }); c.get("k");`,
};
const times = Object.fromEntries(Object.keys(programs).map((k) => [k, []]));
const ROUNDS = 25;
for (let i = 0; i < ROUNDS; i++) {
  for (const [name, code] of Object.entries(programs)) {
    const t = process.hrtime.bigint();
    execFileSync(process.execPath, ["--input-type=module", "-e", code]);
    times[name].push(Number(process.hrtime.bigint() - t) / 1e6);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const bare = median(times.bare);
// The median of each round's difference from that round's bare process: a machine whose speed
// drifts over the run moves both sides of a difference alike.
const rows = Object.entries(times).filter(([k]) => k !== "bare").map(([k, v]) => [k, median(v.map((t, i) => t - times.bare[i]))]);
for (const [k, v] of rows) console.log(`${k}: +${v.toFixed(1)} ms over a bare process (${bare.toFixed(1)} ms)`);
writeFileSync(new URL("./STARTUP.md", import.meta.url), [
  "# Start-up",
  "",
  `\`node bench/startup.mjs\` (in \`make bench\`), Node ${process.version}: a fresh process that imports the package, makes a MemoryCache and does one set and one get of an object, minus a bare \`node -e ""\` (${bare.toFixed(1)} ms), medians over 25 rounds of the difference from that round's bare process. Targets: at most 10 ms for the full entry, 5 ms for \`edgecache/memory\`.`,
  "",
  "| program | over a bare process |",
  "|---|---:|",
  ...rows.map(([k, v]) => `| ${k} | ${v.toFixed(1)} ms |`),
  "",
].join("\n"));
