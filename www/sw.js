// The demo's service worker: answers the page's /api/ calls with cachePage over IndexedDB
// (30 s, tagged), marks each response with X-Cache, and invalidates a tag on request.
import { Cache, cachePage, ready, stores } from "/pkg/service-worker.js";

/** The tags of an API response: every product page is tagged "products" and its own id. */
function tagsFor(request) {
  const id = new URL(request.url).pathname.match(/^\/api\/products\/(\d+)$/)?.[1];
  return id === undefined ? ["products"] : ["products", `product:${id}`];
}

// No top-level await in service workers: the cache exists once the module is ready.
const setup = ready.then(() => {
  const cache = new Cache({ store: stores.indexedDB("edgecache-sw"), keyPrefix: "api", memory: { maxEntries: 100 } });
  // no-store: the browser's HTTP cache stays out of the way, so every miss reaches the origin.
  const origin = (request) => fetch(new Request(request, { cache: "no-store" }));
  const api = cachePage(origin, { timeout: 30, cache, cacheStatusHeader: "X-Cache", tags: tagsFor });
  return { cache, api };
});

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin || !url.pathname.startsWith("/api/")) return;
  event.respondWith(setup.then(({ api }) => api(event.request, event)));
});

// The page asks for invalidations over a MessageChannel and waits for the answer.
self.addEventListener("message", (event) => {
  const { invalidate } = event.data ?? {};
  if (typeof invalidate !== "string") return;
  event.waitUntil(setup.then(({ cache }) => cache.invalidateTags([invalidate])).then(
    () => event.ports[0]?.postMessage({ ok: true }),
    (error) => event.ports[0]?.postMessage({ ok: false, error: String(error) }),
  ));
});
