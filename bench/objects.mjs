// Objects, the values people cache most: MemoryCache get and set of three object shapes at
// 10,000 entries against the copy floor (structuredClone around lru-cache), JSON, and plain
// lru-cache (no copy), all in one process, alternating rounds, medians of 7. Also the async
// Cache's memory tier against a MemoryCache get. Writes bench/OBJECT-RESULTS.md.
// Usage: node bench/objects.mjs
import { writeFileSync } from "node:fs";
import { LRUCache } from "lru-cache";
import { MemoryCache, Cache, stores } from "../pkg/node.js";

const N = 10_000;
const ROUNDS = 11;

const shapes = {
  "{ id, name }": (i) => ({ id: i, name: `user ${i}` }),
  "6 fields + a 2-item array": (i) => ({ id: i, name: `user ${i}`, email: `u${i}@example.com`, age: 20 + (i % 60), active: i % 2 === 0, roles: ["reader", "writer"] }),
  "~2 KB API response (~50 fields)": (i) => ({
    id: i,
    type: "product",
    attributes: {
      title: `Product ${i}`,
      description: "A fine product. ".repeat(20),
      price: { amount: 1999 + i, currency: "EUR", formatted: "19.99 €" },
      stock: { available: i % 7, warehouse: "north", updatedAt: "2026-11-30T12:00:00Z" },
      tags: ["sale", "new", "popular", "eco"],
      images: Array.from({ length: 4 }, (_, j) => ({ url: `https://cdn.example.com/p/${i}/${j}.jpg`, width: 800, height: 600, alt: `view ${j}` })),
    },
    relationships: { category: { id: i % 20, name: "Garden" }, brand: { id: i % 50, name: "Acme" } },
    meta: { created: "2026-01-01T00:00:00Z", version: 3, flags: { featured: false, archived: false } },
  }),
};

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function time(run) {
  const t = performance.now();
  run();
  return ((performance.now() - t) * 1000) / N; // µs per operation
}

const keys = Array.from({ length: N }, (_, i) => `item:${i}`);
const rows = [];
for (const [name, make] of Object.entries(shapes)) {
  const values = keys.map((_, i) => make(i));
  const json = values.map((v) => JSON.stringify(v));
  const ours = new MemoryCache({ maxEntries: 2 * N, timeout: null }); // Django culls at maxEntries, even on overwrite
  const lru = new LRUCache({ max: N });
  const lruJson = new LRUCache({ max: N });
  const tier = new Cache({ store: stores.memory(), memory: { maxEntries: 2 * N }, timeout: null });
  for (let i = 0; i < N; i++) {
    ours.set(keys[i], values[i]);
    lru.set(keys[i], values[i]);
    lruJson.set(keys[i], json[i]);
  }
  for (let i = 0; i < N; i++) await tier.set(keys[i], values[i]);
  const r = { getOurs: [], getClone: [], getJson: [], getLru: [], setOurs: [], setClone: [], setJson: [], tier: [], floor: [] };
  // The least an async get can cost: an async function around a MemoryCache get.
  const asyncGet = async (k) => ours.get(k);
  let sink = 0;
  for (let round = 0; round < ROUNDS; round++) {
    r.getOurs.push(time(() => { for (let i = 0; i < N; i++) sink += ours.get(keys[i]).id; }));
    r.getClone.push(time(() => { for (let i = 0; i < N; i++) sink += structuredClone(lru.get(keys[i])).id; }));
    r.getJson.push(time(() => { for (let i = 0; i < N; i++) sink += JSON.parse(lruJson.get(keys[i])).id; }));
    r.getLru.push(time(() => { for (let i = 0; i < N; i++) sink += lru.get(keys[i]).id; }));
    r.setOurs.push(time(() => { for (let i = 0; i < N; i++) ours.set(keys[i], values[i]); }));
    r.setClone.push(time(() => { for (let i = 0; i < N; i++) lru.set(keys[i], structuredClone(values[i])); }));
    r.setJson.push(time(() => { for (let i = 0; i < N; i++) lruJson.set(keys[i], JSON.stringify(values[i])); }));
    // The tier and its floor in turns: whichever runs first after the set loops meets their
    // garbage (measured: each one's ratio rose by 0.1-0.3 when it always went first).
    const awaited = async (get, into) => {
      const t = performance.now();
      for (let i = 0; i < N; i++) sink += (await get(keys[i])).id;
      into.push(((performance.now() - t) * 1000) / N);
    };
    const tierGet = (k) => tier.get(k);
    if (round % 2 === 0) {
      await awaited(tierGet, r.tier);
      await awaited(asyncGet, r.floor);
    } else {
      await awaited(asyncGet, r.floor);
      await awaited(tierGet, r.tier);
    }
  }
  if (sink === 0) console.log("");
  const m = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, median(v)]));
  // Each ratio is the median of the rounds' ratios (both sides timed back to back in a round),
  // so a machine whose speed drifts between rounds moves both sides alike.
  const ratio = (a, b) => median(r[a].map((x, i) => x / r[b][i]));
  m.getRatio = ratio("getOurs", "getClone");
  m.setRatio = ratio("setOurs", "setClone");
  m.tierRatio = ratio("tier", "getOurs");
  m.floorRatio = ratio("floor", "getOurs");
  rows.push({ name, bytes: JSON.stringify(values[0]).length, ...m });
  console.log(`${name}: get ${m.getOurs.toFixed(2)} µs (${m.getRatio.toFixed(2)}x structuredClone(lru.get)), set ${m.setOurs.toFixed(2)} µs (${m.setRatio.toFixed(2)}x lru.set(structuredClone)), Cache tier hit ${m.tierRatio.toFixed(2)}x MemoryCache get (an async function around it: ${m.floorRatio.toFixed(2)}x)`);
}

const f = (x) => x.toFixed(2);
const lines = [
  "# Objects: MemoryCache against the copy floor",
  "",
  `\`node bench/objects.mjs\` (in \`make bench\`), Node ${process.version}, ${N.toLocaleString("en")} entries, every key read or written once per round, medians of ${ROUNDS} rounds in one process. µs per operation; the ratios (medians of each round's ratio, both sides timed back to back) are against \`structuredClone(lru.get(k))\` for get and \`lru.set(k, structuredClone(v))\` for set (targets: at most 0.5x). The tier row is an async \`Cache\`'s memory-tier hit (\`await cache.get(k)\`) against a MemoryCache get (target: at most 1.5x); "async floor" is an async function that only returns a MemoryCache get, awaited the same way: what any async get costs at least. The two run in turns, each first in every other round.`,
  "",
  "| value | JSON bytes | MemoryCache get | structuredClone(lru.get) | ratio | JSON.parse(lru.get) | lru-cache get (no copy) | MemoryCache set | lru.set(structuredClone) | ratio | lru.set(JSON.stringify) | Cache tier hit | tier / get | async floor / get |",
  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ...rows.map((r) => `| ${r.name} | ${r.bytes} | ${f(r.getOurs)} | ${f(r.getClone)} | ${f(r.getRatio)}x | ${f(r.getJson)} | ${f(r.getLru)} | ${f(r.setOurs)} | ${f(r.setClone)} | ${f(r.setRatio)}x | ${f(r.setJson)} | ${f(r.tier)} | ${f(r.tierRatio)}x | ${f(r.floorRatio)}x |`),
  "",
];
writeFileSync(new URL("./OBJECT-RESULTS.md", import.meta.url), lines.join("\n"));
