// A simulated fleet: many Cache instances over one store adapter with latency, serving a
// Zipf workload whose hot keys expire. Origin (factory) calls per expiry of the hottest key
// and the p99 latency of requests, with no protection (get, then set), with single flight
// (getOrSet), with XFetch early refresh (getOrSet with beta), and with a fleet-wide lease
// (getOrSet with lock: one instance computes, the others wait for its value). Writes
// STAMPEDE-RESULTS.md.
import { writeFileSync } from "node:fs";
import { searchCdf } from "./cdf.mjs";
import { Cache, stores } from "../pkg/node.js";

const INSTANCES = 20;
const KEYS = 200;
const ZIPF = 1.0;
const TTL = 5; // virtual seconds
const ROUND = 0.1; // virtual seconds between request waves
const ROUNDS = 600; // 60 virtual seconds
const PER_ROUND = 40;
const STORE_MS = 2;
const ORIGIN_MS = 20;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function zipfSampler(n, s, seed) {
  const weights = Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s);
  const total = weights.reduce((a, b) => a + b, 0);
  const cdf = [];
  let acc = 0;
  for (const w of weights) cdf.push((acc += w / total));
  let x = seed;
  const random = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return {
    random,
    next() {
      return searchCdf(cdf, random());
    },
  };
}

function slowStore() {
  const inner = stores.memory();
  const delay = (f) => async (...args) => {
    await sleep(STORE_MS);
    return f(...args);
  };
  return { ...inner, get: delay(inner.get), put: delay(inner.put), delete: delay(inner.delete), compareAndSwap: delay(inner.compareAndSwap) };
}

async function run(mode) {
  const clock = { t: 1_700_000_000_000, now: () => clock.t };
  const store = slowStore();
  const fleet = Array.from({ length: INSTANCES }, (_, i) => new Cache({ store, clock, seed: i + 1, localTimeout: 1 }));
  const origin = new Map();
  const latencies = [];
  const background = [];
  const sampler = zipfSampler(KEYS, ZIPF, 7);
  const factoryFor = (key) => async () => {
    origin.set(key, (origin.get(key) ?? 0) + 1);
    await sleep(ORIGIN_MS);
    return `value of ${key}`;
  };
  const serve = async (cache, key) => {
    const started = performance.now();
    if (mode === "none") {
      let v = await cache.get(key);
      if (v === undefined) {
        v = await factoryFor(key)();
        await cache.set(key, v, TTL);
      }
    } else if (mode === "single flight") {
      await cache.getOrSet(key, factoryFor(key), TTL);
    } else if (mode === "lease") {
      await cache.getOrSet(key, factoryFor(key), { timeout: TTL, lock: true });
    } else if (mode === "lease + xfetch") {
      await cache.getOrSet(key, factoryFor(key), { timeout: TTL, lock: true, beta: 5, waitUntil: (p) => background.push(p) });
    } else {
      // getOrSet measures the factory in real seconds (0.02 s); beta scales it to the
      // virtual timeline so early refresh has a window of about one wave (0.1 s).
      await cache.getOrSet(key, factoryFor(key), { timeout: TTL, beta: 5, waitUntil: (p) => background.push(p) });
    }
    latencies.push(performance.now() - started);
  };
  for (let round = 0; round < ROUNDS; round++) {
    const wave = [];
    for (let i = 0; i < PER_ROUND; i++) {
      const cache = fleet[Math.floor(sampler.random() * INSTANCES)];
      wave.push(serve(cache, `k${sampler.next()}`));
    }
    await Promise.all(wave);
    await Promise.all(background.splice(0));
    clock.t += ROUND * 1000;
  }
  latencies.sort((a, b) => a - b);
  const expiries = (ROUNDS * ROUND) / TTL;
  return {
    mode,
    hotPerExpiry: (origin.get("k0") ?? 0) / expiries,
    totalOrigin: [...origin.values()].reduce((a, b) => a + b, 0),
    p99: latencies[Math.floor(latencies.length * 0.99)],
    p50: latencies[Math.floor(latencies.length * 0.5)],
  };
}

const results = [];
for (const mode of ["none", "single flight", "xfetch", "lease", "lease + xfetch"]) {
  const r = await run(mode);
  results.push(r);
  console.log(mode, JSON.stringify(r));
}
const base = results[0];
const lines = [
  "# Stampede: a fleet over one store",
  "",
  `${INSTANCES} Cache instances over one store adapter with ${STORE_MS} ms per call, ${KEYS} keys (Zipf ${ZIPF}), ${PER_ROUND} concurrent requests every ${ROUND} virtual s for ${ROUNDS * ROUND} virtual s; TTL ${TTL} s; the origin takes ${ORIGIN_MS} ms. Run with \`node bench/stampede.mjs\`.`,
  "",
  "| protection | origin calls per expiry of the hottest key | ratio to none | all origin calls | p50 ms | p99 ms | p99 ratio to none |",
  "|---|---|---|---|---|---|---|",
  ...results.map((r) =>
    `| ${r.mode} | ${r.hotPerExpiry.toFixed(2)} | ${(r.hotPerExpiry / base.hotPerExpiry).toFixed(2)} | ${r.totalOrigin} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${(r.p99 / base.p99).toFixed(2)} |`),
  "",
];
writeFileSync(new URL("./STAMPEDE-RESULTS.md", import.meta.url), lines.join("\n"));
