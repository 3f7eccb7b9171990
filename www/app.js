// The playground: a MemoryCache in this tab, every call shown with its Django equivalent,
// and a live view of the store (LRU order, TTL counting down, bytes, removals, stats).
import { MemoryCache } from "/pkg/browser.js";
import { describeError, formatValue, logCall, parseTimeout, parseValue, pyRepr, showStats, tableRow } from "./common.js";

const $ = (id) => document.getElementById(id);
const REMOVED_FOR_MS = 4000;
let cache;
let options;
let previousKeys = new Set();
let removed = []; // { key, reason, at }: shown in red for a few seconds

function newCache() {
  const form = new FormData($("config"));
  const num = (name) => (form.get(name) === "" ? undefined : Number(form.get(name)));
  options = {
    maxEntries: num("maxEntries"),
    cullFrequency: num("cullFrequency"),
    maxBytes: num("maxBytes"),
    timeout: num("timeout"),
    policy: form.get("policy"),
    onEvict: (key, reason) => removed.push({ key, reason, at: Date.now() }),
  };
  const { onEvict, ...shown } = options;
  const django = `CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "TIMEOUT": ${pyRepr(shown.timeout ?? 300)}, "OPTIONS": {"MAX_ENTRIES": ${shown.maxEntries ?? 300}, "CULL_FREQUENCY": ${shown.cullFrequency ?? 3}}}}`;
  try {
    cache = new MemoryCache(options);
    log(django, `new MemoryCache(${JSON.stringify(shown)})`);
  } catch (e) {
    log(django, describeError(e), true);
  }
  const f = options.cullFrequency ?? 3;
  const max = options.maxEntries ?? 300;
  $("cull-rule").textContent = options.policy === "adaptive"
    ? `Adaptive policy: a full cache (${max} entries) evicts one entry per write, chosen by W-TinyLFU (how often keys were used, not only how recently).`
    : `Django's cull: a write into a cache holding ${max} entries (even one overwriting a key) first removes ` +
      (f === 0 ? "every entry (cullFrequency 0)." : `the ⌊${max} / ${f}⌋ = ${Math.floor(max / f)} least recently used, expired or not.`) +
      (options.maxBytes ? " Over maxBytes, least recently used entries leave until the write fits." : "");
  previousKeys = new Set();
  removed = [];
  render();
}

function run(op) {
  if (!cache) return;
  const form = new FormData($("op"));
  const key = form.get("key");
  const value = parseValue(form.get("value"));
  const timeout = parseTimeout(form.get("timeout"));
  const version = form.get("version") === "" ? undefined : Number(form.get("version"));
  const opts = version === undefined ? undefined : { version };
  const wopts = version === undefined ? timeout : { timeout, version };
  const vArg = version === undefined ? "" : `, version=${version}`;
  const tArg = timeout === undefined ? "" : `, ${pyRepr(timeout)}`;
  const calls = {
    set: [() => cache.set(key, value, wopts), `cache.set(${pyRepr(key)}, ${pyRepr(value)}${tArg}${vArg})`],
    get: [() => cache.get(key, undefined, opts), `cache.get(${pyRepr(key)}${vArg})`],
    add: [() => cache.add(key, value, wopts), `cache.add(${pyRepr(key)}, ${pyRepr(value)}${tArg}${vArg})`],
    incr: [() => cache.incr(key, 1, opts), `cache.incr(${pyRepr(key)}${vArg})`],
    decr: [() => cache.decr(key, 1, opts), `cache.decr(${pyRepr(key)}${vArg})`],
    touch: [() => cache.touch(key, wopts), `cache.touch(${pyRepr(key)}${tArg}${vArg})`],
    delete: [() => cache.delete(key, opts), `cache.delete(${pyRepr(key)}${vArg})`],
    has: [() => cache.has(key, opts), `cache.has_key(${pyRepr(key)}${vArg})`],
    incrVersion: [() => cache.incrVersion(key, 1, opts), `cache.incr_version(${pyRepr(key)}${vArg})`],
    fill: [() => { for (let i = 0; i < 10; i++) cache.set(`item${i}`, `value ${i}`, timeout); }, `for i in range(10): cache.set(f"item{i}", f"value {i}"${tArg})`],
    clear: [() => cache.clear(), "cache.clear()"],
  };
  const [call, django] = calls[op];
  try {
    const result = call();
    log(django, `→ ${result === undefined ? (op === "get" ? "undefined (miss)" : "done") : formatValue(result)}`);
  } catch (e) {
    log(django, describeError(e), true);
  }
  queueMicrotask(render); // after onEvict's microtask
}

const log = (django, result, error) => logCall($("log"), django, result, error);

const REASONS = { evict: "evicted (cull / budget)", expire: "expired", delete: "deleted", clear: "cleared", set: "replaced", invalidate: "invalidated" };

function render() {
  if (!cache) return;
  const entries = cache.entries();
  const now = Date.now();
  removed = removed.filter((r) => now - r.at < REMOVED_FOR_MS);
  const body = $("entries");
  body.replaceChildren();
  entries.forEach((e, i) => {
    const ttl = e.ttl === null ? "forever" : e.ttl <= 0 ? "expired" : `${e.ttl.toFixed(1)} s`;
    const state = e.ttl !== null && e.ttl <= 0 ? "expired" : previousKeys.has(e.key) ? "" : "fresh";
    const row = tableRow([i + 1, e.key, formatValue(e.value), ttl, e.bytes], state);
    row.cells[3].className = "ttl"; // "forever" and "12.5 s" on one line
    body.append(row);
  });
  for (const r of removed.filter((r) => r.reason !== "set")) body.append(tableRow(["×", r.key, "", REASONS[r.reason] ?? r.reason, ""], "removed"));
  previousKeys = new Set(entries.map((e) => e.key));
  const s = cache.stats();
  const pct = s.maxBytes ? Math.min(100, (100 * s.bytes) / s.maxBytes) : 0;
  $("budget").innerHTML = `<div>${s.entries} / ${options.maxEntries ?? 300} entries · ${s.bytes}${s.maxBytes ? ` / ${s.maxBytes}` : ""} bytes${s.maxBytes ? "" : " (no maxBytes)"}</div>` +
    `<div class="bar" title="byte budget"><div style="width:${pct}%"></div></div>`;
  // The rule applies to the next write once the cache is full.
  $("cull-rule").classList.toggle("active", s.entries >= (options.maxEntries ?? 300));
  showStats($("stats"), Object.fromEntries(Object.entries(s).map(([k, v]) => [k, k === "hitRatio" ? `${(100 * v).toFixed(1)}%` : v ?? "—"])));
}

$("config").addEventListener("submit", (e) => { e.preventDefault(); newCache(); });
$("op").addEventListener("click", (e) => {
  const op = e.target.dataset?.op;
  if (op) { e.preventDefault(); run(op); }
});
newCache();
setInterval(render, 250);
window.edgecacheDemo = { get cache() { return cache; } };
