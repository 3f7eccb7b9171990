// The demo page: a MemoryCache in this tab, every call shown with its Django equivalent,
// and a live view of the store (LRU order, TTL counting down, bytes, evictions, stats).
import { MemoryCache } from "/pkg/browser.js";

const $ = (id) => document.getElementById(id);
let cache;
let previousKeys = [];
let evicted = [];

function newCache() {
  const form = new FormData($("config"));
  const num = (name) => (form.get(name) === "" ? undefined : Number(form.get(name)));
  const options = { maxEntries: num("maxEntries"), cullFrequency: num("cullFrequency"), maxBytes: num("maxBytes"), timeout: num("timeout") };
  try {
    cache = new MemoryCache(options);
    log(`CACHES = {"default": {"BACKEND": "...LocMemCache", "OPTIONS": ${JSON.stringify({ MAX_ENTRIES: options.maxEntries, CULL_FREQUENCY: options.cullFrequency })}}}`, "new MemoryCache(" + JSON.stringify(options) + ")");
  } catch (e) {
    log("", `${e.name} [${e.code}]: ${e.message}`, true);
  }
  const f = options.cullFrequency;
  $("cull-rule").textContent = `Before each write, when the store holds ≥ ${options.maxEntries} entries, ` +
    (f === 0 ? "it is cleared (cullFrequency 0)." : `the ${f === 1 ? "" : `1/${f} `}least recently used are removed (floor(len / ${f})).`);
  previousKeys = [];
  render();
}

function parseValue(text) {
  if (text === "") return "";
  try { return JSON.parse(text); } catch { return text; }
}

function parseTimeout(text) {
  if (text.trim() === "") return undefined;
  if (text.trim() === "null") return null;
  return Number(text);
}

const py = (v) => (v === undefined ? "" : v === null ? "None" : typeof v === "string" ? `'${v}'` : typeof v === "boolean" ? (v ? "True" : "False") : JSON.stringify(v));

function run(op) {
  const form = new FormData($("op"));
  const key = form.get("key");
  const value = parseValue(form.get("value"));
  const timeout = parseTimeout(form.get("timeout"));
  const version = form.get("version") === "" ? undefined : Number(form.get("version"));
  const opts = version === undefined ? undefined : { version };
  const wopts = version === undefined ? timeout : { timeout, version };
  const vArg = version === undefined ? "" : `, version=${version}`;
  const tArg = timeout === undefined ? "" : `, ${py(timeout)}`;
  const calls = {
    set: [() => cache.set(key, value, wopts), `cache.set('${key}', ${py(value)}${tArg}${vArg})`],
    get: [() => cache.get(key, undefined, opts), `cache.get('${key}'${vArg})`],
    add: [() => cache.add(key, value, wopts), `cache.add('${key}', ${py(value)}${tArg}${vArg})`],
    incr: [() => cache.incr(key, 1, opts), `cache.incr('${key}'${vArg})`],
    touch: [() => cache.touch(key, wopts), `cache.touch('${key}'${tArg}${vArg})`],
    delete: [() => cache.delete(key, opts), `cache.delete('${key}'${vArg})`],
    has: [() => cache.has(key, opts), `cache.has_key('${key}'${vArg})`],
    fill: [() => { for (let i = 0; i < 10; i++) cache.set(`item${i}`, `value ${i}`, wopts); }, `for i in range(10): cache.set(f'item{i}', f'value {i}'${tArg})`],
    clear: [() => cache.clear(), "cache.clear()"],
  };
  const [call, django] = calls[op];
  try {
    const result = call();
    log(django, `→ ${result === undefined ? (op === "get" ? "undefined (miss)" : "done") : JSON.stringify(result, (_, v) => (typeof v === "bigint" ? `${v}n` : v))}`);
  } catch (e) {
    log(django, `${e.name} [${e.code ?? ""}]: ${e.message}`, true);
  }
  render();
}

function log(django, result, error = false) {
  const li = document.createElement("li");
  li.innerHTML = `<div class="django"></div><div class="${error ? "error" : "result"}"></div>`;
  li.children[0].textContent = django ? `# Django: ${django}` : "";
  li.children[1].textContent = result;
  $("log").prepend(li);
}

function render() {
  if (!cache) return;
  const entries = cache.entries();
  const keys = entries.map((e) => e.key);
  const gone = previousKeys.filter((k) => !keys.includes(k));
  if (gone.length) evicted = gone.slice(-6);
  const fresh = new Set(keys.filter((k) => !previousKeys.includes(k)));
  previousKeys = keys;
  $("entries").innerHTML = "";
  entries.forEach((e, i) => {
    const tr = document.createElement("tr");
    if (e.ttl !== null && e.ttl <= 0) tr.className = "expired";
    else if (fresh.has(e.key)) tr.className = "fresh";
    for (const text of [i + 1, e.key, JSON.stringify(e.value, (_, v) => (typeof v === "bigint" ? `${v}n` : v)), e.ttl === null ? "forever" : e.ttl <= 0 ? "expired" : `${e.ttl.toFixed(1)} s`, e.bytes]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    $("entries").append(tr);
  });
  const s = cache.stats();
  const budget = s.maxBytes ? `${s.bytes} / ${s.maxBytes} bytes` : `${s.bytes} bytes (no maxBytes)`;
  const pct = s.maxBytes ? Math.min(100, (100 * s.bytes) / s.maxBytes) : 0;
  $("budget").innerHTML = `<div>${budget}</div><div class="bar"><div style="width:${pct}%"></div></div>` +
    (evicted.length ? `<div class="evicted">recently removed: ${evicted.join(", ")}</div>` : "");
  $("stats").innerHTML = "";
  for (const [k, v] of Object.entries(s)) {
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.textContent = k === "hitRatio" ? `${(100 * v).toFixed(1)}%` : v ?? "—";
    $("stats").append(dt, dd);
  }
}

$("config").addEventListener("submit", (e) => { e.preventDefault(); newCache(); });
$("op").addEventListener("click", (e) => {
  const op = e.target.dataset?.op;
  if (op) { e.preventDefault(); run(op); }
});
newCache();
setInterval(render, 250);
window.edgecacheDemo = { get cache() { return cache; } };
