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

/** `value` when it is an object (a platform's answer record), else STORE_PROTOCOL about `what`. */
export function objectAnswer(value, what) {
  if (value === null || typeof value !== "object") throw protocolError(`${what} answered ${describe(value)}`);
  return value;
}

/** `value` when it is an array (of objects, with `objects`), else STORE_PROTOCOL about `what`. */
export function arrayAnswer(value, what, objects = false) {
  if (!Array.isArray(value) || (objects && !value.every((v) => v !== null && typeof v === "object"))) throw protocolError(`${what} answered ${describe(value)}`);
  return value;
}

export function describe(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 20))}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

// The engine's own getters: they answer for what a value is, not what its properties claim (a
// Proxy of a Uint8Array, a subclass or an instance with its own `length`, a detached buffer).
const TYPED_ARRAY = Object.getPrototypeOf(Uint8Array.prototype);
const getter = (proto, name) => Object.getOwnPropertyDescriptor(proto, name).get;
const typedTag = getter(TYPED_ARRAY, Symbol.toStringTag);
const typedBuffer = getter(TYPED_ARRAY, "buffer");
const typedOffset = getter(TYPED_ARRAY, "byteOffset");
const typedLength = getter(TYPED_ARRAY, "byteLength");
const viewBuffer = getter(DataView.prototype, "buffer");
const viewOffset = getter(DataView.prototype, "byteOffset");
const viewLength = getter(DataView.prototype, "byteLength");
const bufferLength = getter(ArrayBuffer.prototype, "byteLength");

/**
 * A store's answer as bytes: `undefined` for none (null or undefined), else a Uint8Array over
 * the bytes the engine says the value holds. Anything else, or bytes that cannot be read (a
 * detached buffer, a Proxy), reads as foreign bytes (a counted CORRUPT_VALUE miss), never a throw.
 */
export function asBytes(value) {
  if (value === null || value === undefined) return undefined;
  try {
    // undefined for anything but a real typed array: a Proxy of one included.
    if (typedTag.call(value) !== undefined) return new Uint8Array(typedBuffer.call(value), typedOffset.call(value), typedLength.call(value));
    if (ArrayBuffer.isView(value)) return new Uint8Array(viewBuffer.call(value), viewOffset.call(value), viewLength.call(value));
    if (typeof value === "string") return new TextEncoder().encode(value); // a misconfigured store
    bufferLength.call(value); // throws unless an ArrayBuffer (not a SharedArrayBuffer, not a Proxy)
    return new Uint8Array(value);
  } catch {
    return new Uint8Array(0);
  }
}
