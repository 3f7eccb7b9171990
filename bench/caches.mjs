// The caches under comparison, behind one tiny interface: get(key), set(key, value).
import { LRUCache } from "lru-cache";
import { createLRU } from "lru.min";
import { MemoryCache } from "../pkg/node.js";
import { boundaryFloor } from "./boundary-floor.mjs";

const sizeOf = (v) => (typeof v === "string" ? v.length * 2 : v.byteLength);

export const peers = {
  edgecache: (n) => {
    const c = new MemoryCache({ maxEntries: n, timeout: null });
    return { get: (k) => c.get(k), set: (k, v) => c.set(k, v), raw: c };
  },
  "lru-cache max": (n) => {
    const c = new LRUCache({ max: n });
    return { get: (k) => c.get(k), set: (k, v) => c.set(k, v) };
  },
  "lru-cache maxSize": (n, valueBytes) => {
    const c = new LRUCache({ maxSize: n * (valueBytes * 2 + 40), sizeCalculation: (v, k) => sizeOf(v) + k.length * 2 });
    return { get: (k) => c.get(k), set: (k, v) => c.set(k, v) };
  },
  "lru.min": (n) => {
    const c = createLRU({ max: n });
    return { get: (k) => c.get(k), set: (k, v) => c.set(k, v) };
  },
  "Map (floor)": () => {
    const c = new Map();
    return { get: (k) => c.get(k), set: (k, v) => c.set(k, v) };
  },
  // Stores nothing: the crossing into wasm and back that any wasm-resident store pays.
  "wasm boundary (floor)": () => boundaryFloor(),
};

export function makeValue(kind) {
  if (kind === "100 B string") return "v".repeat(100);
  if (kind === "1 KB string") return "v".repeat(1024);
  if (kind === "10 KB Uint8Array") return new Uint8Array(10 * 1024).fill(7);
  throw new Error(kind);
}
