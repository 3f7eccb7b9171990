// The hot path of MemoryCache for string keys and string values. Writing a key into a
// scratch buffer in wasm memory and making a numbers-only call is the cheapest crossing
// measured (bench/, perf-notes): no malloc per string, no import call per argument check.
// Every other argument shape goes to the general method, which has the same semantics.
//
// The calls return numbers only: a hit's payload (a string's UTF-8 or a Uint8Array's bytes)
// is decoded here from where it lies in the store, so no JS value is made in wasm and no
// result array is allocated. Other values and errors are fetched with `__take`.
import { MemoryCache, __scratch, __fastOut, __take, __getFast, __hasFast, __setFast, __encodedRegion } from "./edgecache.js";
import { isWellFormed } from "./boundary.js";
import { copyBytes, copyWords, encodeWith, useRegion, withCode } from "./encode.js";
import { decodeValue, useNativeCodecs } from "./decode.js";

const MISS = -1;
const THROW = -3;
const FORM_ASCII = 0;
const FORM_BYTES = 2;
const FORM_VALUE = 3; // a whole encoded value: decoded by js/decode.js
// The codec's first bytes (src/codec/mod.rs): a string, a binary value and its Uint8Array kind,
// and a string of ASCII only (which a hit then decodes as Latin-1 without a scan in wasm).
const TAG_STRING = 0x01;
const TAG_BINARY = 0x02;
const TAG_ASCII = 0x04;
const UINT8_ARRAY = 0;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
let memory; // WebAssembly.Memory, set by the runtime loader after instantiation
let bytes = new Uint8Array(0);
let words = new Uint32Array(0);
let data = new DataView(new ArrayBuffer(0));
let out = 0; // index in `words` of the [address, form] pair a hit fills in
let base = 0;
let capacity = 0;
let nativeFor; // optional: buffer -> { decodeAscii, encodeUtf8 }, faster than the defaults
let decodeAscii = (start, end) => decoder.decode(bytes.subarray(start, end));
let decodeUtf8; // the runtime's native UTF-8 decoder over wasm memory, where it has one
let encodeUtf8 = (text, start, max) => encoder.encodeInto(text, bytes.subarray(start, start + max)).written;

/**
 * Called once by each runtime loader with the instance's memory. `native(buffer)`, if given,
 * returns the runtime's faster codecs over that memory buffer: `decodeAscii(start, end)`
 * (a string of ASCII bytes), optionally `decodeUtf8(start, end)` (a string of UTF-8 bytes, not
 * checked), and `encodeUtf8(text, start, max)` (bytes written, no garbage).
 */
export function attachMemory(wasmMemory, native) {
  memory = wasmMemory;
  out = __fastOut() >>> 2;
  nativeFor = native;
  useNativeCodecs(native);
  // Structured values are encoded straight into wasm memory, where __setFast reads them.
  // Null when wasm memory cannot grow: the encoder then goes on in JS memory.
  useRegion((size) => {
    const at = __encodedRegion(size);
    return at === 0 ? null : new Uint8Array(memory.buffer, at, size);
  });
}

/**
 * Views over the current memory. A grown memory detaches old views, whose elements then read
 * as undefined. V8 inlines that element read; `byteLength` stayed a generic property load in
 * the optimised get (seen with --print-opt-code; about 25 ns per get).
 */
function views() {
  if (words[out] === undefined) {
    const buffer = memory.buffer; // a slow getter: read only then
    bytes = new Uint8Array(buffer);
    words = new Uint32Array(buffer);
    data = new DataView(buffer);
    if (nativeFor !== undefined) ({ decodeAscii, decodeUtf8, encodeUtf8 } = nativeFor(buffer));
  }
}

function reserve(size) {
  if (size > capacity) {
    const at = __scratch(size);
    // Null: wasm memory could not grow (the scratch buffer is as it was).
    if (at === 0) throw withCode(new Error(`out of memory: wasm memory could not grow by ${size} bytes (nothing was changed)`), "OUT_OF_MEMORY");
    base = at;
    capacity = size;
  }
  views();
}

/** The scratch buffer's key for a fast call: its byte length, or -1 (use the general path). */
export function fastKey(key) {
  return memory === undefined ? -1 : writeKey(key);
}

/** The payload of a hit of `length` bytes, as the fast call left it in `[address, form]`. */
export function payload(length) {
  views();
  const start = words[out];
  const form = words[out + 1];
  if (form === FORM_BYTES) return bytes.slice(start, start + length);
  if (form === FORM_ASCII) return decodeAscii(start, start + length);
  if (form === FORM_VALUE) return decodeValue(bytes, data, start, start + length, decodeAscii, decodeUtf8);
  return decodeUtf8 === undefined ? decoder.decode(bytes.subarray(start, start + length)) : decodeUtf8(start, start + length);
}

// Longer keys and values take the general path, which refuses an over-budget value before
// copying it into wasm memory (the scratch buffer would otherwise grow to its size).
const MAX_FAST = 1 << 16;


/**
 * Writes a key as UTF-8 at the start of the scratch buffer; returns its byte length, or -1
 * for a key the general path must handle (too long, or not well-formed: it throws there).
 */
function writeKey(key) {
  if (key.length > MAX_FAST) return -1;
  const n = write(key, 0);
  return n === key.length || isWellFormed(key) ? n : -1;
}

/** Writes `text` as UTF-8 at `offset` in the scratch buffer; returns its byte length. */
function write(text, offset) {
  const n = text.length;
  reserve(offset + n * 3);
  const start = base + offset;
  if (n > 64) return encodeUtf8(text, start, n * 3);
  let i = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) break;
    bytes[start + i] = c;
  }
  if (i === n) return n;
  return i + encodeUtf8(text.slice(i), start + i, (n - i) * 3);
}

const OTHER = 0;
const IN_REGION = 4; // on __setFast's timeout kind: the value is in the encoder's region

let keyLength = 0;
let pendingKey = "";
let encodedInRegion = false;

/**
 * Writes the pending key, then `encoded` right after it, unless the encoder left it in its
 * region of wasm memory (`inRegion`), where __setFast reads it; -1 when the general path
 * must. `view`: a DataView over `encoded`'s buffer from its start, when the encoder has one.
 */
function copyAfterKey(encoded, length, view, inRegion) {
  keyLength = writeKey(pendingKey);
  if (keyLength < 0) return -1;
  encodedInRegion = inRegion === true;
  if (encodedInRegion) return length;
  reserve(keyLength + length);
  if (view === undefined) return copyBytes(encoded, length, bytes, base + keyLength);
  return copyWords(encoded, view, length, bytes, data, base + keyLength);
}

/**
 * `set` of any other value: encoded here (js/boundary.js; what cannot be cached throws before
 * wasm is called), then one call with the key and the bytes in the scratch buffer. A value
 * whose encoding is long goes to the general path, which refuses an over-budget value before
 * copying it into wasm memory.
 */
function setEncoded(cache, key, value, timeout, kind) {
  if (value === undefined || typeof value === "function" || typeof value === "symbol") {
    return general.set.call(cache, key, value, timeout);
  }
  // The key goes in after the value is encoded: a getter may use the scratch buffer, and may
  // set an object itself (this call then runs inside this one: the outer key is put back).
  const outer = pendingKey;
  pendingKey = key;
  let valueLength;
  try {
    valueLength = encodeWith(value, MAX_FAST, copyAfterKey);
  } finally {
    pendingKey = outer;
  }
  if (valueLength < 0 || valueLength > MAX_FAST) return general.set.call(cache, key, value, timeout);
  const where = encodedInRegion ? IN_REGION : 0;
  if (__setFast(cache, keyLength, valueLength, kind | where, kind === 2 ? timeout : 0) === THROW) throw __take();
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
      const keyLength = writeKey(key);
      if (keyLength < 0) return general.get.call(this, key, defaultValue, options);
      const found = __getFast(this, keyLength);
      if (found >= 0) return payload(found);
      if (found === MISS) return defaultValue;
      const value = __take();
      if (found === THROW) throw value;
      return value;
    },
    writable: true,
    configurable: true,
  },
  has: {
    value: function has(key, options) {
      if (typeof key !== "string" || options !== undefined || memory === undefined) {
        return general.has.call(this, key, options);
      }
      const keyLength = writeKey(key);
      if (keyLength < 0) return general.has.call(this, key, options);
      const found = __hasFast(this, keyLength);
      if (found === THROW) throw __take();
      return found === 1;
    },
    writable: true,
    configurable: true,
  },
  set: {
    value: function set(key, value, timeout) {
      const kind = timeout === undefined ? 0 : timeout === null ? 1 : typeof timeout === "number" && timeout === timeout ? 2 : -1;
      const form = typeof value === "string" ? TAG_STRING : ArrayBuffer.isView(value) && Object.getPrototypeOf(value) === Uint8Array.prototype ? TAG_BINARY : OTHER;
      if (typeof key !== "string" || kind < 0 || memory === undefined) return general.set.call(this, key, value, timeout);
      if (form === OTHER) return setEncoded(this, key, value, timeout, kind);
      // (An empty Uint8Array may be a view of a detached buffer: the general path refuses it.)
      if (value.length > MAX_FAST || (form === TAG_BINARY && value.length === 0)) {
        return general.set.call(this, key, value, timeout);
      }
      // The value in the codec's form right after the key: its tag, then the payload.
      const keyLength = writeKey(key);
      if (keyLength < 0) return general.set.call(this, key, value, timeout);
      let valueLength;
      let tag = form;
      if (form === TAG_STRING) {
        valueLength = write(value, keyLength + 1) + 1;
        // As many UTF-8 bytes as UTF-16 units: every character was ASCII.
        if (valueLength === value.length + 1) tag = TAG_ASCII;
      } else {
        valueLength = value.length + 2;
        reserve(keyLength + valueLength);
        bytes[base + keyLength + 1] = UINT8_ARRAY;
        bytes.set(value, base + keyLength + 2);
      }
      bytes[base + keyLength] = tag;
      if (__setFast(this, keyLength, valueLength, kind, kind === 2 ? timeout : 0) === THROW) throw __take();
    },
    writable: true,
    configurable: true,
  },
});
