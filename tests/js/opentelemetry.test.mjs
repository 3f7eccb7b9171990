// examples/opentelemetry.js with the real OpenTelemetry SDK: an in-memory span exporter and a
// metric reader record what a Cache and a page handler emit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { Cache, cachePage, stores } from "../../pkg/node.js";
import { instrument } from "../../examples/opentelemetry.js";
import { manualClock } from "./helpers.mjs";

function telemetry() {
  const spans = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }).getTracer("test");
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const meter = new MeterProvider({ readers: [reader] }).getMeter("test");
  /** `{ metric name: { cache name: sum } }` as the reader collects them now. */
  const counters = async () => {
    const { resourceMetrics } = await reader.collect();
    const out = {};
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        for (const point of metric.dataPoints) {
          (out[metric.descriptor.name] ??= {})[point.attributes["cache.name"]] = point.value;
        }
      }
    }
    return out;
  };
  return { spans, tracer, meter, counters };
}

test("OpenTelemetry: hit and miss counters, spans for misses and refreshes (a failed one with its error)", async () => {
  const { spans, tracer, meter, counters } = telemetry();
  const clock = manualClock();
  const cache = new Cache({ store: stores.memory(), clock, name: "products", onError: () => {} });
  const stop = instrument(cache, { tracer, meter });
  await cache.set("a", 1);
  await cache.get("a");
  await cache.get("a");
  await cache.get("b");
  await cache.getOrSet("s", () => 1, { timeout: 10, staleWhileRevalidate: 60 });
  clock.advance(20);
  const background = [];
  await cache.getOrSet("s", async () => {
    throw new Error("origin down");
  }, { timeout: 10, staleWhileRevalidate: 60, waitUntil: (p) => background.push(p) });
  await Promise.all(background);
  assert.deepEqual(await counters(), { "edgecache.hits": { products: 2 }, "edgecache.misses": { products: 3 } });
  const finished = spans.getFinishedSpans();
  assert.deepEqual(finished.map((s) => [s.name, s.attributes["cache.key"]]), [
    ["edgecache.miss", ":1:b"],
    ["edgecache.miss", ":1:s"],
    ["edgecache.miss", ":1:s"],
    ["edgecache.refresh", ":1:s"],
  ]);
  const refresh = finished[3];
  assert.equal(refresh.status.code, 2, "the failed refresh is an error span");
  assert.equal(refresh.events[0].attributes["exception.message"], "origin down");
  assert.ok(finished.every((s) => s.attributes["cache.name"] === "products"));
  stop();
  await cache.get("b");
  assert.equal(spans.getFinishedSpans().length, 4, "nothing recorded after stop()");
});

test("OpenTelemetry: a page handler's requests", async () => {
  const { spans, tracer, meter, counters } = telemetry();
  const cache = new Cache({ store: stores.memory(), name: "pages" });
  const page = cachePage(async () => new Response("x", { headers: { "cache-control": "max-age=60" } }), { timeout: 60, cache });
  instrument(page, { tracer, meter });
  await page(new Request("http://shop.test/a"));
  await page(new Request("http://shop.test/a"));
  assert.deepEqual(await counters(), { "edgecache.hits": { pages: 1 }, "edgecache.misses": { pages: 1 } });
  assert.deepEqual(spans.getFinishedSpans().map((s) => [s.name, s.attributes["url.full"]]), [["edgecache.miss", "http://shop.test/a"]]);
});
