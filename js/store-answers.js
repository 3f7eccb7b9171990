// The store adapter contract as the async Cache sees it: checking an adapter at construction,
// and reading its answers, which are untrusted (wrong shapes become coded STORE_PROTOCOL
// errors; anything but bytes reads as a foreign record), plus the store's coded errors.
import { codedError, typeError } from "./errors.js";

export function timeoutError(op, seconds) {
  return codedError("STORE_TIMEOUT", `store ${op} took longer than storeTimeout (${seconds} s)`, "StoreTimeoutError");
}

/** Checks an adapter at construction, so a broken one fails early and clearly. */
export function checkStore(store) {
  if (store === null || typeof store !== "object") {
    throw typeError("INVALID_STORE", `option 'store' must be a store adapter object, got ${store === null ? "null" : typeof store}`);
  }
  // A platform object passed where its adapter belongs reads as every-read-a-miss (or fails
  // late): name it and the adapter to wrap it in.
  const raw = rawPlatformObject(store);
  if (raw) throw typeError("INVALID_STORE", `option 'store' is ${raw[0]}, not a store adapter: pass ${raw[1]}`);
  for (const method of ["get", "put", "delete"]) {
    if (typeof store[method] !== "function") {
      throw typeError("INVALID_STORE", `the store adapter has no ${method}() method (an adapter needs get, put and delete)`);
    }
  }
  return store;
}

/** `[what it is, the adapter call]` for a raw platform object, else undefined. */
function rawPlatformObject(store) {
  const has = (name) => typeof store[name] === "function";
  if (typeof store.name === "string" && has("get") && has("put")) return undefined; // an adapter
  if (has("getWithMetadata") && has("list")) return ["a Workers KV binding", "stores.cloudflareKV(env.KV)"];
  if (has("prepare") && has("batch")) return ["a D1 database", "stores.sql(env.DB)"];
  if (has("atomic") && has("enqueue")) return ["a Deno.Kv", "stores.denoKV(kv)"];
  if (has("sendCommand") || has("callBuffer")) return ["a Redis client", "stores.redis(client)"];
  return undefined;
}

/** The error of a store answer of the wrong shape (a counted store error). */
export function protocolError(message) {
  return codedError("STORE_PROTOCOL", `store adapter: ${message}`);
}

export function describe(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 20))}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

export function asBytes(value) {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) {
    try {
      return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    } catch {
      return new Uint8Array(0); // a view of a detached buffer: foreign bytes
    }
  }
  // Anything else (a string from a misconfigured store) cannot be a record: CacheCore
  // reports it as foreign bytes.
  return typeof value === "string" ? new TextEncoder().encode(value) : new Uint8Array(0);
}
