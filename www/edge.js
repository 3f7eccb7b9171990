// The edge page: sends requests to the two Worker isolates (www/serve.mjs proxies /edge/a/ and
// /edge/b/ to workerd) and shows each answer's X-Cache and Age and each isolate's counters.
import { badgeRow } from "./common.js";
let count = 0;

async function stats(isolate) {
  const s = await (await fetch(`/edge/${isolate}/stats`, { cache: "no-store" })).json();
  const rows = [
    ["KV reads", s.kvReads],
    ["origin calls", s.originCalls],
    ["pages served from the cache", s.pageHits],
    ["served stale", s.staleServed],
    ["KV reads saved by the memory tier", s.tierHits],
  ];
  const dl = document.querySelector(`#isolate-${isolate} .stats`);
  dl.replaceChildren(...rows.flatMap(([name, value]) => {
    const dt = document.createElement("dt");
    dt.textContent = name;
    const dd = document.createElement("dd");
    dd.textContent = String(value);
    dd.dataset.stat = name;
    return [dt, dd];
  }));
}

function row(cells, status) {
  const tr = badgeRow(cells, 3, status);
  tr.className = "fresh";
  document.querySelector("#edge-calls tbody").prepend(tr);
}

async function get(isolate, path) {
  const started = performance.now();
  // no-store: the answer must come from the Worker, not from the browser's own HTTP cache.
  const response = await fetch(`/edge/${isolate}/${path}`, { cache: "no-store" });
  const body = await response.json();
  const status = response.headers.get("x-cache") ?? "—";
  const ms = Math.round(performance.now() - started);
  const n = ++count;
  row([n, isolate.toUpperCase(), `GET /${path}`, status, response.headers.get("age") ?? "—", `${ms} ms`, body.renderedAt.slice(11, 23), `#${body.originCall}`], status);
  await Promise.all([stats("a"), stats("b")]);
  document.body.dataset.done = String(n); // the row and the counters after it are shown
}

async function invalidate(isolate) {
  await fetch(`/edge/${isolate}/invalidate`, { method: "POST" });
  const n = ++count;
  row([n, isolate.toUpperCase(), 'invalidateTags(["products"])', "—", "—", "—", "—", "—"], "bypass");
  await Promise.all([stats("a"), stats("b")]);
  document.body.dataset.done = String(n);
}

for (const isolate of ["a", "b"]) {
  const panel = document.getElementById("isolate-panel").content.firstElementChild.cloneNode(true);
  panel.id = `isolate-${isolate}`;
  panel.dataset.isolate = isolate;
  panel.querySelector("h3").textContent = `Isolate ${isolate.toUpperCase()}`;
  document.getElementById("isolates").append(panel);
  panel.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.dataset.path) get(isolate, button.dataset.path);
    else if ("invalidate" in button.dataset) invalidate(isolate);
  });
}
await Promise.all([stats("a"), stats("b")]);
document.body.dataset.ready = "true";
