// edgecache's events in OpenTelemetry: counters of hits and misses, and spans for misses and
// background refreshes, on any cache (MemoryCache, Cache) or page handler (cachePage,
// cacheMiddleware, honoCache). `@opentelemetry/api` is an optional peer of edgecache: install
// it (and an SDK or exporter of your platform) to use this file.
//
//   import { instrument } from "./opentelemetry.js";
//   const products = new Cache({ store: stores.cloudflareKV(env.KV), name: "products" });
//   instrument(products); // the global tracer and meter providers
//   const page = cachePage(handler, { timeout: 60, cache: products });
//   instrument(page);
import { SpanStatusCode, metrics, trace } from "@opentelemetry/api";

/**
 * Records `source`'s events: `edgecache.hits` and `edgecache.misses` counters (attribute
 * `cache.name`), an `edgecache.miss` span per miss (the lookup) and an `edgecache.refresh` span
 * per background refresh (its error recorded). Returns a function that stops recording.
 */
export function instrument(source, { tracer = trace.getTracer("edgecache"), meter = metrics.getMeter("edgecache") } = {}) {
  const hits = meter.createCounter("edgecache.hits", { description: "Cache reads that found a value" });
  const misses = meter.createCounter("edgecache.misses", { description: "Cache reads that found nothing to serve" });
  const listeners = {
    hit: (e) => hits.add(1, { "cache.name": e.cache }),
    miss: (e) => {
      misses.add(1, { "cache.name": e.cache });
      span(tracer, "edgecache.miss", e);
    },
    refreshed: (e) => span(tracer, "edgecache.refresh", e),
  };
  const offs = [];
  for (const [type, listener] of Object.entries(listeners)) {
    try {
      offs.push(source.on(type, listener));
    } catch (error) {
      // Page handlers have no refreshes: their stale pages refresh as requests.
      if (error?.code !== "UNKNOWN_EVENT") throw error;
    }
  }
  return () => offs.forEach((off) => off());
}

/** A span ending now that lasted the event's duration. */
function span(tracer, name, event) {
  const end = Date.now();
  const attributes = { "cache.name": event.cache, "cache.key": event.key };
  if (event.url) attributes["url.full"] = event.url;
  const s = tracer.startSpan(name, { startTime: end - (event.duration ?? 0), attributes });
  if (event.error !== undefined) {
    s.recordException(event.error instanceof Error ? event.error : String(event.error));
    s.setStatus({ code: SpanStatusCode.ERROR });
  }
  s.end(end);
}
