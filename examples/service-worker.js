// A service worker caching GET pages with edgecache. Register it from a page served next to
// pkg/: navigator.serviceWorker.register("/sw.js", { type: "module" }) (with a bundler,
// import from "edgecache/service-worker" instead).
import { Cache, cachePage, ready, stores } from "/pkg/service-worker.js";

// Service workers cannot await at the top level: the cache is made once the module is ready.
const page = ready.then(() => {
  const cache = new Cache({ store: stores.indexedDB("pages"), keyPrefix: "sw" });
  return cachePage((request) => fetch(request), { timeout: 300, cache, staleWhileRevalidate: 3600, cacheStatusHeader: "X-Cache" });
});

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  // The event's waitUntil keeps background refreshes alive (it has the method ctx needs).
  event.respondWith(page.then((cached) => cached(event.request, event)));
});
