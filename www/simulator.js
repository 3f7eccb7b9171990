// The workload simulator: a trace sample or a Zipf sequence through MemoryCache under both
// policies, drawn with uPlot against the reference LRU and OPT as the replay advances.
import { MemoryCache } from "/pkg/browser.js";
import uPlot from "/vendor/uPlot.esm.js";
import { lruHits, optHits, zipfKeys } from "./reference.js";
import { tableRow } from "./common.js";

const $ = (id) => document.getElementById(id);
const POINTS = 200;
const SERIES = [
  { label: "edgecache adaptive", stroke: "#2a9d8f", width: 2.5 },
  { label: "edgecache lru", stroke: "#e76f51", width: 2.5 },
  { label: "reference LRU", stroke: "#264653", width: 1, dash: [6, 4] },
  { label: "OPT (Bélády)", stroke: "#8d99ae", width: 1.5, dash: [2, 3] },
];
let plot;
let running = false;

async function loadTrace() {
  const response = await fetch("data/web12-sample.keys.txt.gz");
  const text = await new Response(response.body.pipeThrough(new DecompressionStream("gzip"))).text();
  return text.split("\n").filter((line) => line !== "");
}

/** Replays `keys` through a MemoryCache; yields cumulative hits at each checkpoint. */
function* replay(keys, size, policy, checkpoints) {
  const cache = new MemoryCache({ maxEntries: size, cullFrequency: size, policy, timeout: null });
  let hits = 0, i = 0;
  try {
    for (const end of checkpoints) {
      for (; i < end; i++) {
        if (cache.get(keys[i]) !== undefined) hits++;
        else cache.set(keys[i], 1);
      }
      yield hits;
    }
  } finally {
    cache.free(); // its wasm memory is reused by the next run
  }
}

function cumulative(hits, checkpoints) {
  const out = [];
  let sum = 0, i = 0;
  for (const end of checkpoints) {
    for (; i < end; i++) sum += hits[i];
    out.push(sum);
  }
  return out;
}

async function run(event) {
  event?.preventDefault();
  if (running) return;
  running = true;
  delete document.body.dataset.simulated;
  $("run").disabled = true;
  const form = new FormData($("sim"));
  const size = Number(form.get("size"));
  $("status").textContent = "Loading the workload…";
  const keys = form.get("source") === "web12"
    ? await loadTrace()
    : zipfKeys(Number(form.get("count")), Number(form.get("distinct")), Number(form.get("alpha")));
  const n = keys.length;
  const checkpoints = Array.from({ length: POINTS }, (_, p) => Math.round(((p + 1) * n) / POINTS));
  const x = checkpoints;
  const lru = cumulative(lruHits(keys, size), checkpoints);
  const opt = cumulative(optHits(keys, size), checkpoints);
  const ratio = (hits, p) => (100 * hits) / checkpoints[p];
  const data = [x, [], [], lru.map(ratio), opt.map(ratio)];
  draw(data);
  const adaptive = replay(keys, size, "adaptive", checkpoints);
  const plain = replay(keys, size, "lru", checkpoints);
  const started = performance.now();
  const final = {};
  for (let p = 0; p < POINTS; p++) {
    final.adaptive = adaptive.next().value;
    final.lru = plain.next().value;
    data[1].push(ratio(final.adaptive, p));
    data[2].push(ratio(final.lru, p));
    if (p % 10 === 9 || p === POINTS - 1) {
      plot.setData(data);
      $("status").textContent = `${checkpoints[p].toLocaleString()} of ${n.toLocaleString()} requests, ${size} entries`;
      await new Promise(requestAnimationFrame); // let the chart paint as the replay advances
    }
  }
  adaptive.return();
  plain.return();
  const ms = performance.now() - started;
  $("status").textContent = `Done: ${n.toLocaleString()} requests through two caches of ${size} entries in ${ms.toFixed(0)} ms.`;
  const pct = (hits) => (100 * hits) / n;
  const [lruEnd, optEnd] = [pct(lru.at(-1)), pct(opt.at(-1))];
  const rows = [["edgecache adaptive", pct(final.adaptive)], ["edgecache lru", pct(final.lru)], ["reference LRU", lruEnd], ["OPT (Bélády)", optEnd]];
  $("final").tBodies[0].replaceChildren(...rows.map(([name, value]) => {
    const gap = optEnd === lruEnd ? "—" : `${((100 * (value - lruEnd)) / (optEnd - lruEnd)).toFixed(0)}%`;
    const tr = tableRow([name, `${value.toFixed(2)}%`, gap]);
    tr.dataset.policy = name;
    return tr;
  }));
  document.body.dataset.simulated = "done";
  running = false;
  $("run").disabled = false;
}

function draw(data) {
  plot?.destroy();
  plot = new uPlot({
    width: Math.min(1100, $("chart").clientWidth || 900),
    height: 320,
    scales: { x: { time: false }, y: { range: [0, 100] } },
    axes: [{ label: "requests" }, { label: "cumulative hit ratio (%)", values: (_, ticks) => ticks.map((t) => `${t}%`) }],
    series: [{ label: "requests" }, ...SERIES.map((s) => ({ ...s, value: (_, v) => (v == null ? "—" : `${v.toFixed(2)}%`) }))],
  }, data, $("chart"));
}

$("sim").addEventListener("submit", run);
run();

// The Zipf settings mean nothing for the trace: off while it is chosen.
function zipfInputs() {
  const zipf = $("sim").elements.source.value === "zipf";
  for (const name of ["alpha", "distinct", "count"]) $("sim").elements[name].disabled = !zipf;
}
$("sim").elements.source.addEventListener("change", zipfInputs);
zipfInputs();
