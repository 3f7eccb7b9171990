// The hot path of MemoryCache for string keys and string values. Writing a key into a
// scratch buffer in wasm memory and making a numbers-only call is the cheapest crossing
// measured (bench/, perf-notes): no malloc per string, no import call per argument check.
// Every other argument shape goes to the general method, which has the same semantics.
import { MemoryCache, __scratch, __getStr, __hasStr, __setStr } from "./edgecache.js";

const encoder = new TextEncoder();
let memory; // WebAssembly.Memory, set by the runtime loader after instantiation
let bytes = new Uint8Array(0);
let base = 0;
let capacity = 0;

/** Called once by each runtime loader with the instance's memory. */
export function attachMemory(wasmMemory) {
  memory = wasmMemory;
}

function reserve(size) {
  if (size > capacity) {
    base = __scratch(size);
    capacity = size;
  }
  // A grown memory detaches old views: their length drops to 0. (memory.buffer is a slow
  // getter, so it is read only then.)
  if (bytes.byteLength === 0) bytes = new Uint8Array(memory.buffer);
}

/** Writes `text` as UTF-8 at `offset` in the scratch buffer; returns its byte length. */
function write(text, offset) {
  const n = text.length;
  reserve(offset + n * 3);
  const start = base + offset;
  if (n > 64) return encoder.encodeInto(text, bytes.subarray(start, start + n * 3)).written;
  let i = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) break;
    bytes[start + i] = c;
  }
  if (i === n) return n;
  return i + encoder.encodeInto(text.slice(i), bytes.subarray(start + i, start + n * 3)).written;
}

const general = {
  get: MemoryCache.prototype.get,
  has: MemoryCache.prototype.has,
  set: MemoryCache.prototype.set,
};

Object.defineProperties(MemoryCache.prototype, {
  get: {
    value: function get(key, defaultValue, options) {
      if (typeof key !== "string" || options !== undefined || memory === undefined) {
        return general.get.call(this, key, defaultValue, options);
      }
      const value = __getStr(this, write(key, 0));
      return value === undefined ? defaultValue : value;
    },
    writable: true,
    configurable: true,
  },
  has: {
    value: function has(key, options) {
      if (typeof key !== "string" || options !== undefined || memory === undefined) {
        return general.has.call(this, key, options);
      }
      return __hasStr(this, write(key, 0));
    },
    writable: true,
    configurable: true,
  },
  set: {
    value: function set(key, value, timeout) {
      const kind = timeout === undefined ? 0 : timeout === null ? 1 : typeof timeout === "number" && timeout === timeout ? 2 : -1;
      if (typeof key !== "string" || typeof value !== "string" || kind < 0 || memory === undefined) {
        return general.set.call(this, key, value, timeout);
      }
      const keyLength = write(key, 0);
      const valueLength = write(value, keyLength);
      __setStr(this, keyLength, valueLength, kind, kind === 2 ? timeout : 0);
    },
    writable: true,
    configurable: true,
  },
});
