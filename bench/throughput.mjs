// Interleaved throughput rounds in one process: every cache runs each workload once per
// round, in rotating order; the reported figure is the median ns/op over the rounds.
import { peers, makeValue } from "./caches.mjs";

const ROUNDS = 7;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn) {
  const t0 = process.hrtime.bigint();
  const ops = fn();
  return Number(process.hrtime.bigint() - t0) / ops;
}

export function throughput({ size, valueKind, ops }) {
  const value = makeValue(valueKind);
  const valueBytes = typeof value === "string" ? value.length : value.byteLength;
  const names = Object.keys(peers);
  const caches = Object.fromEntries(names.map((name) => [name, peers[name](size, valueBytes)]));
  const keys = Array.from({ length: size }, (_, i) => `key:${i}`);
  for (const name of names) for (const k of keys) caches[name].set(k, value);
  // Random hit indices, shared by all caches.
  const idx = Uint32Array.from({ length: ops }, () => Math.floor(Math.random() * size));
  let sink = 0;
  const workloads = {
    "get-hit, fresh key strings": (c) => () => {
      for (let i = 0; i < ops; i++) sink ^= c.get("key:" + idx[i]) === undefined ? 1 : 0;
      return ops;
    },
    "get-hit, reused keys": (c) => () => {
      for (let i = 0; i < ops; i++) sink ^= c.get(keys[idx[i]]) === undefined ? 1 : 0;
      return ops;
    },
  };
  const results = {};
  for (const [workload, make] of Object.entries(workloads)) {
    const samples = Object.fromEntries(names.map((n) => [n, []]));
    for (let r = 0; r < ROUNDS; r++) {
      const order = names.map((_, i) => names[(i + r) % names.length]);
      for (const name of order) samples[name].push(time(make(caches[name])));
    }
    results[workload] = Object.fromEntries(names.map((n) => [n, median(samples[n])]));
  }
  // Sets of new keys into the full caches (the Map floor grows instead of evicting).
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  let next = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const order = names.map((_, i) => names[(i + r) % names.length]);
    for (const name of order) {
      const c = caches[name];
      const start = next;
      samples[name].push(time(() => {
        for (let i = 0; i < ops; i++) c.set("new:" + (start + i), value);
        return ops;
      }));
    }
    next += ops;
  }
  results["set of a new key into a full cache"] = Object.fromEntries(names.map((n) => [n, median(samples[n])]));
  if (sink === 0.5) console.log(sink);
  return results;
}

/** ns to get a 10 KB Uint8Array from edgecache vs ns to copy 10 KB with slice(). */
export function bytesVersusCopy(ops = 20000) {
  const value = makeValue("10 KB Uint8Array");
  const c = peers.edgecache(1000);
  for (let i = 0; i < 1000; i++) c.set(`key:${i}`, value);
  const get = [], copy = [];
  let sink = 0;
  for (let r = 0; r < ROUNDS; r++) {
    get.push(time(() => { for (let i = 0; i < ops; i++) sink += c.get(`key:${i % 1000}`).length; return ops; }));
    copy.push(time(() => { for (let i = 0; i < ops; i++) sink += value.slice().length; return ops; }));
  }
  if (sink === 0.5) console.log(sink);
  return { get: median(get), slice: median(copy) };
}
