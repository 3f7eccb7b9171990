// What the wasm module imports to read a caller's arguments (collections, strings) without
// letting a caller's code throw through wasm frames: every import here is declared `catch`
// in src/wasm (boundary.rs, iterables.rs); engine errors come back coded, a caller's own
// errors unchanged. The value encoder is js/encode.js.
import { describe, fromEngine, withCode } from "./encode.js";

const { isArray } = Array;
const { getPrototypeOf } = Object;

/** `Array.isArray`, which throws for a revoked Proxy: then false (the caller reports it). */
export function isArraySafe(v) {
  try {
    return isArray(v);
  } catch {
    return false;
  }
}

/**
 * A callback's result, made safe to drop: a promise (or thenable) it returned gets `onRejected`
 * (by default, the rejection goes to console.error), so an async hook that rejects never
 * becomes an unhandled rejection, which ends a Node process. Nothing else is touched.
 */
export function quiet(result, name = "callback", onRejected = undefined) {
  if (result === null || (typeof result !== "object" && typeof result !== "function")) return;
  try {
    const then = result.then;
    if (typeof then === "function") then.call(result, undefined, onRejected ?? ((error) => report(name, error)));
  } catch (error) {
    (onRejected ?? ((e) => report(name, e)))(error);
  }
}

function report(name, error) {
  try {
    console.error(`edgecache: the ${name} rejected:`, error);
  } catch {
    // a console that throws: nothing more to do
  }
}

/** True when a string has no lone UTF-16 surrogate (it converts to UTF-8 losslessly). */
export function isWellFormed(s) {
  if (typeof s.isWellFormed === "function") return s.isWellFormed();
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

/** `String(v)` (Python's `str()` stand-in for objects): throws what a `toString` throws. */
export function toText(v) {
  return String(v);
}

/**
 * `error` as this package throws it: an engine error (a revoked Proxy, a value that is not
 * iterable) becomes a coded TypeError with the original as `cause`; a caller's own error
 * (what its iterator, getter or trap threw) is returned unchanged.
 */
export function coded(error, code, message) {
  if (!fromEngine(error)) return error;
  return withCode(new TypeError(`${message}: ${describe(error)}`, { cause: error }), code);
}

/** The items of an iterable argument, as an array (coded errors: see `coded`). */
export function itemsOf(value, name) {
  try {
    if (value === null || typeof value !== "object") throw new TypeError(`${typeof value} is not iterable`);
    return Array.from(value);
  } catch (e) {
    throw coded(e, "INVALID_ARGUMENT", `${name} must be an iterable of keys`);
  }
}

/** The pairs of a Map, an iterable of [key, value] pairs, or a plain object's own entries. */
export function pairsOf(value) {
  try {
    if (value === null || typeof value !== "object") throw new TypeError(`${typeof value} is not an object`);
    let list;
    if (Symbol.iterator in value) {
      list = Array.from(value);
    } else {
      const proto = getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw new TypeError("not a Map, a plain object or an iterable");
      list = Object.entries(value);
    }
    // Copied into fresh arrays: wasm reads them without running a caller's getter.
    return list.map((pair) => {
      if (!isArray(pair)) throw new TypeError("each entry must be a [key, value] pair");
      return [pair[0], pair[1]];
    });
  } catch (e) {
    throw coded(e, "INVALID_ARGUMENT", "entries must be a Map, an object or an iterable of [key, value] pairs");
  }
}

// Result objects the async tier's core returns on every write and store hit, made here in one
// call: four property sets from wasm (each a name string made and a Reflect call) took a third
// of a Cache.set over a memory store (a CPU profile of bench/memcached.mjs's set).

/**
 * A sealed record: `{ made, key, record, chunks, expired, ttl }` (`made`: the made key when the
 * seal made it, else undefined; `key`: its store key, undefined when it is `made`; `chunks` null
 * for none; `ttl` NaN for none). `view` lies in wasm memory, which the next call may reuse: it
 * is copied out here.
 */
export function sealedRecord(made, key, view, chunks, expired, ttl) {
  return { made, key: key ?? made, record: view.slice(), chunks: chunks ?? [], expired, ttl: ttl === ttl ? ttl : undefined };
}

/** A store hit: `{ value }`. */
export function hitOf(value) {
  return { value };
}

let randomSource = (bytes) => globalThis.crypto.getRandomValues(bytes);

/** Fills `bytes` (at most 65,536) with cryptographically random bytes: the wasm's random source. */
export function fillRandom(bytes) {
  randomSource(bytes);
}

/** Installs a faster random source than `crypto.getRandomValues` (a loader's choice). */
export function useRandom(source) {
  randomSource = source;
}
