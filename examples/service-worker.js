// A service worker caching GET pages with edgecache (register it from a page served next
// to pkg/: navigator.serviceWorker.register("/sw.js", { type: "module" })).
import { Cache, cachePage, stores } from "/pkg/browser.js";

const cache = new Cache({ store: stores.indexedDB("pages"), keyPrefix: "sw" });
const page = cachePage((request) => fetch(request), { timeout: 300, cache, staleWhileRevalidate: 3600 });

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  // The event's waitUntil keeps background refreshes alive (it has the method ctx needs).
  event.respondWith(page(event.request, event));
});
