// The response-caching page: registers sw.js, sends API calls through it and shows X-Cache.
import { badgeRow } from "./common.js";
const $ = (id) => document.getElementById(id);
let count = 0;

async function controlled() {
  await navigator.serviceWorker.register("/sw.js", { type: "module", scope: "/" });
  if (!navigator.serviceWorker.controller) {
    // The worker claims this page when it activates.
    await new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }));
  }
}

function addRow(texts, status) {
  $("calls").tBodies[0].prepend(badgeRow(texts, 2, status));
}

async function call(url) {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.json();
  const ms = performance.now() - started;
  const status = response.headers.get("x-cache") ?? "none";
  addRow([++count, `GET ${url}`, status, `${ms.toFixed(0)} ms`, body.renderedAt.slice(11, 23), body.originCalls], status);
}

async function invalidate(tag) {
  const channel = new MessageChannel();
  const answer = new Promise((resolve) => (channel.port1.onmessage = (e) => resolve(e.data)));
  navigator.serviceWorker.controller.postMessage({ invalidate: tag }, [channel.port2]);
  const { ok, error } = await answer;
  const tr = document.createElement("tr");
  tr.innerHTML = `<td>—</td><td colspan="5"></td>`;
  tr.children[1].textContent = ok ? `await cache.invalidateTags(["${tag}"]): responses tagged ${tag} are now misses` : `invalidation failed: ${error}`;
  $("calls").tBodies[0].prepend(tr);
}

document.addEventListener("click", async (e) => {
  const { url, tag } = e.target.dataset ?? {};
  if (url) await call(url);
  if (tag) await invalidate(tag);
});

try {
  await controlled();
  $("sw-state").textContent = "The service worker controls this page.";
  for (const button of document.querySelectorAll("button")) button.disabled = false;
  document.body.dataset.ready = "true";
} catch (error) {
  $("sw-state").textContent = `The service worker could not start: ${error}`;
  $("sw-state").className = "error";
}
