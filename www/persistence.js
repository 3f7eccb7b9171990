// Persistence: the async Cache over IndexedDB with a 4-entry memory tier, both shown side by
// side; the records survive a reload, the tier does not.
import { Cache, MemoryCache, stores } from "/pkg/browser.js";
import { describeError, formatValue, logCall, parseTimeout, parseValue, pyRepr, seconds, showStats, tableRow } from "./common.js";

const $ = (id) => document.getElementById(id);
const DB = "edgecache-demo";
const tier = new MemoryCache({ maxEntries: 4 });
const cache = new Cache({ store: stores.indexedDB(DB), memory: tier, keyPrefix: "demo" });

/** The raw rows of the store, read with IndexedDB itself: what survives a reload. */
async function storeRows() {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore("records");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const tx = db.transaction("records", "readonly");
  const all = (request) => new Promise((resolve) => (request.onsuccess = () => resolve(request.result)));
  const [keys, rows] = await Promise.all([all(tx.objectStore("records").getAllKeys()), all(tx.objectStore("records").getAll())]);
  db.close();
  return keys.map((key, i) => ({ key, expires: rows[i].expires, bytes: rows[i].value?.byteLength ?? rows[i].value?.length ?? 0 }));
}

async function render() {
  $("tier-rows").replaceChildren(...tier.entries().map((e) => tableRow([e.key, seconds(e.ttl), e.bytes])));
  const rows = await storeRows();
  const now = Date.now();
  $("store-rows").replaceChildren(...rows.map((r) => tableRow([r.key, r.expires === Infinity ? "forever" : seconds((r.expires - now) / 1000), r.bytes])));
  const s = cache.stats();
  const shown = { hits: s.hits, misses: s.misses, storeReads: s.storeReads, storeHits: s.storeHits, storeWrites: s.storeWrites, "memory tier hits": s.memory.hits, "memory tier entries": s.memory.entries, corruptRecords: s.corruptRecords };
  showStats($("stats"), shown);
  return rows;
}

const log = (django, result, error) => logCall($("log"), django, result, error);

async function run(op) {
  if (op === "reload") return location.reload();
  const form = new FormData($("op"));
  const key = form.get("key");
  const value = parseValue(form.get("value"));
  const timeout = parseTimeout(form.get("timeout"));
  const tArg = timeout === undefined ? "" : `, ${pyRepr(timeout)}`;
  const before = cache.stats();
  const calls = {
    set: [() => cache.set(key, value, timeout), `cache.set(${pyRepr(key)}, ${pyRepr(value)}${tArg})`],
    get: [() => cache.get(key), `cache.get(${pyRepr(key)})`],
    delete: [() => cache.delete(key), `cache.delete(${pyRepr(key)})`],
    fill: [() => cache.setMany(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`key${i}`, `value ${i}`])), timeout), `cache.set_many({f"key{i}": f"value {i}" for i in range(6)}${tArg})`],
    clear: [() => cache.clear(), "cache.clear()"],
  };
  const [call, django] = calls[op];
  try {
    const result = await call();
    const after = cache.stats();
    // Where a read was answered: the tier when the store was not asked.
    const source = op !== "get" ? "" : after.storeReads === before.storeReads ? " from the memory tier" : result === undefined ? " (asked IndexedDB: miss)" : " from IndexedDB (now in the memory tier)";
    log(django, `→ ${result === undefined ? (op === "get" ? "undefined" : "done") : formatValue(result)}${source}`);
  } catch (e) {
    log(django, describeError(e), true);
  }
  await render();
}

$("op").addEventListener("click", (e) => {
  const op = e.target.dataset?.op;
  if (op) { e.preventDefault(); run(op); }
});
const rows = await render();
$("loaded").textContent = `Page loaded: the memory tier holds ${tier.entries().length} entries, IndexedDB holds ${rows.length} records.`;
document.body.dataset.ready = "true";
setInterval(render, 1000);
