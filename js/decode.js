// Stored values back into JS values, read straight from wasm memory: the hot path's decoder
// for structured values (src/codec/mod.rs defines and documents the format; the store only holds
// values it validated, and this decoder still checks every bound). No wasm call happens while
// it runs, so the memory views stay valid.

import { defineOwn, withCode } from "./encode.js";

const T_UNDEFINED = 0x10, T_NULL = 0x11, T_FALSE = 0x12, T_TRUE = 0x13, T_NUMBER = 0x14;
const T_BIGINT = 0x15, T_STRING = 0x16, T_DATE = 0x17, T_BINARY = 0x18, T_ARRAY = 0x19;
const T_OBJECT = 0x1a, T_MAP = 0x1b, T_SET = 0x1c, T_HOLE = 0x1d;
const TAG_STRING = 0x01, TAG_BINARY = 0x02, TAG_STRUCTURED = 0x03, TAG_ASCII = 0x04;
const MAX_DEPTH = 1000;
const utf8 = new TextDecoder("utf-8", { fatal: true });
// Codec kind byte -> constructor (codec::BinaryKind); 1 is ArrayBuffer, 12 DataView.
const TYPED = [Uint8Array, null, Int8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array, null];
const OBJECT_PROTOTYPE = Object.prototype;
// The engine's own Map and Set insertion, read once: a host that replaced Map.prototype.set
// does not see (or change) what a read decodes, as with structuredClone.
const mapSet = Map.prototype.set;
const setAdd = Set.prototype.add;

function corrupt(what) {
  return withCode(new Error(`corrupt value: ${what}`), "CORRUPT_VALUE");
}

/** A cursor over `bytes` (a view of wasm memory) from `at` to `end`. */
class Reader {
  // Declared fields: defined on the instance, never a host's Object.prototype setter.
  bytes;
  view;
  at;
  end;
  ascii;
  utf8;
  constructor(bytes, view, at, end, ascii, utf8) {
    this.bytes = bytes;
    this.view = view;
    this.at = at;
    this.end = end;
    this.ascii = ascii;
    this.utf8 = utf8;
  }
  byte() {
    if (this.at >= this.end) throw corrupt("truncated");
    return this.bytes[this.at++];
  }
  varint() {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 0x80;
      if (scale > 2 ** 49) throw corrupt("varint");
    }
  }
  count(min) {
    const n = this.varint();
    if (n * min > this.end - this.at) throw corrupt("length");
    return n;
  }
  f64() {
    if (this.at + 8 > this.end) throw corrupt("truncated");
    const x = this.view.getFloat64(this.at, true);
    this.at += 8;
    return x;
  }
  take(n) {
    if (n > this.end - this.at) throw corrupt("truncated");
    const start = this.at;
    this.at += n;
    return start;
  }
  string() {
    const n = this.varint();
    const start = this.take(n);
    return text(this.bytes, start, start + n, this.ascii, this.utf8);
  }
  /** An object key: short ASCII names come from a small cache (no new string per read). */
  name() {
    const n = this.varint();
    const start = this.take(n);
    if (n > 24) return text(this.bytes, start, start + n, this.ascii, this.utf8);
    const bytes = this.bytes;
    let h = n;
    for (let i = start; i < start + n; i++) {
      const c = bytes[i];
      if (c > 0x7f) return text(bytes, start, start + n, this.ascii, this.utf8);
      h = (Math.imul(h, 31) + c) | 0;
    }
    const slot = h & (NAMES.length - 1);
    const cached = NAMES[slot];
    if (cached !== undefined && cached.length === n) {
      let same = true;
      for (let i = 0; i < n; i++) {
        if (cached.charCodeAt(i) !== bytes[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return cached;
    }
    const made = text(bytes, start, start + n, this.ascii, this.utf8);
    NAMES[slot] = made;
    return made;
  }
}

// Recently read object keys, by a hash of their bytes (checked byte for byte on use).
const NAMES = new Array(1024).fill(undefined);

/** UTF-8 text at [start, end) (`CORRUPT_VALUE` if it is not UTF-8). */
function utf8Text(bytes, start, end) {
  try {
    return utf8.decode(bytes.subarray(start, end));
  } catch {
    throw corrupt("string is not UTF-8");
  }
}

// Past this many bytes, TextDecoder beats a scan for ASCII and the Latin-1 decoder (320 bytes:
// 150 ns against 370-520 in Node 20).
const LONG_TEXT = 64;

const fromCharCode = String.fromCharCode;

/**
 * `n` (at most 16) ASCII bytes at `s` as a string: one call with every code as an argument makes
 * one string, where appending a character at a time made one per character (2.6x the time for
 * 1-16 bytes in Node 20).
 */
function shortAscii(b, s, n) {
  switch (n) {
    case 0:
      return "";
    case 1:
      return fromCharCode(b[s]);
    case 2:
      return fromCharCode(b[s], b[s + 1]);
    case 3:
      return fromCharCode(b[s], b[s + 1], b[s + 2]);
    case 4:
      return fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3]);
    case 5:
      return fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4]);
    case 6:
      return fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5]);
    case 7:
      return fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6]);
    case 8:
      return fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7]);
    case 9:
      return fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8]);
    case 10:
      return fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9]);
    case 11:
      return fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10]);
    case 12:
      return fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11]);
    case 13:
      return fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12]);
    case 14:
      return fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13]);
    case 15:
      return fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13], b[s + 14]);
    case 16:
      return fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13], b[s + 14], b[s + 15]);
    default:
      throw corrupt("short string");
  }
}

/**
 * UTF-8 text at [start, end): short ASCII built here, longer ASCII through the runtime's fast
 * Latin-1 decoder, and long text through `utf8(start, end)` when the runtime has a native
 * decoder (it does not check the bytes: every stored value was checked whole, UTF-8 included,
 * by src/codec/validate.rs before it was stored), else through TextDecoder.
 */
function text(bytes, start, end, ascii, utf8) {
  if (end - start > 16 && utf8 !== undefined) return utf8(start, end);
  if (end - start > LONG_TEXT) return utf8Text(bytes, start, end);
  if (end - start <= 16) {
    for (let i = start; i < end; i++) if (bytes[i] > 0x7f) return utf8Text(bytes, start, end);
    return shortAscii(bytes, start, end - start);
  }
  for (let i = start; i < end; i++) {
    if (bytes[i] > 0x7f) return utf8Text(bytes, start, end);
  }
  return ascii(start, end);
}

function bigint(bytes, start, end) {
  if (start === end) return 0n;
  let hex = "";
  for (let i = end - 1; i >= start; i--) hex += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
  const n = BigInt(`0x${hex}`);
  return bytes[end - 1] & 0x80 ? n - (1n << BigInt((end - start) * 8)) : n;
}

function binary(kind, bytes, start, end) {
  const copy = bytes.slice(start, end);
  if (kind === 0) return copy;
  if (kind === 1) return copy.buffer;
  if (kind === 12) return new DataView(copy.buffer);
  const Typed = TYPED[kind];
  if (Typed === undefined || Typed === null || (end - start) % Typed.BYTES_PER_ELEMENT !== 0) throw corrupt("binary kind");
  return new Typed(copy.buffer);
}

function token(r, depth) {
  if (depth > MAX_DEPTH) throw corrupt("nested too deep");
  const tag = r.byte();
  switch (tag) {
    case T_UNDEFINED:
    case T_HOLE:
      return undefined;
    case T_NULL:
      return null;
    case T_FALSE:
      return false;
    case T_TRUE:
      return true;
    case T_NUMBER:
      return r.f64();
    case T_STRING:
      return r.string();
    case T_BIGINT: {
      const n = r.varint();
      const start = r.take(n);
      return bigint(r.bytes, start, start + n);
    }
    case T_DATE:
      return new Date(r.f64());
    case T_BINARY: {
      const kind = r.byte();
      const n = r.varint();
      const start = r.take(n);
      return binary(kind, r.bytes, start, start + n);
    }
    case T_ARRAY: {
      const n = r.count(1);
      const array = new Array(n);
      for (let i = 0; i < n; i++) {
        if (r.at < r.end && r.bytes[r.at] === T_HOLE) {
          r.at++;
          continue;
        }
        array[i] = token(r, depth + 1);
      }
      return array;
    }
    case T_OBJECT: {
      const n = r.count(2);
      const object = {};
      for (let i = 0; i < n; i++) {
        if (r.byte() !== T_STRING) throw corrupt("object key is not a string");
        const name = r.name();
        const value = token(r, depth + 1);
        // An own data property, as JSON.parse makes: a name Object.prototype has ("__proto__",
        // or an accessor the host defined) gets one defined, so no setter ever runs.
        if (name in OBJECT_PROTOTYPE) defineOwn(object, name, value);
        else object[name] = value;
      }
      return object;
    }
    case T_MAP: {
      const n = r.count(2);
      const map = new Map();
      for (let i = 0; i < n; i++) {
        const key = token(r, depth + 1);
        mapSet.call(map, key, token(r, depth + 1));
      }
      return map;
    }
    case T_SET: {
      const n = r.count(1);
      const set = new Set();
      for (let i = 0; i < n; i++) setAdd.call(set, token(r, depth + 1));
      return set;
    }
    default:
      throw corrupt("unknown token");
  }
}

/**
 * The value encoded at [start, end) of `bytes` (a Uint8Array over wasm memory; `view` a
 * DataView over the same buffer; `ascii(start, end)` decodes ASCII bytes of it; `utf8(start,
 * end)`, where the runtime has a fast one, UTF-8 bytes the store checked).
 */
export function decodeValue(bytes, view, start, end, ascii, utf8) {
  if (start >= end) throw corrupt("empty");
  const tag = bytes[start];
  if (tag === TAG_ASCII) {
    for (let i = start + 1; i < end; i++) if (bytes[i] > 0x7f) throw corrupt("ASCII string has a non-ASCII byte");
    return ascii(start + 1, end);
  }
  if (tag === TAG_STRING) return text(bytes, start + 1, end, ascii, utf8);
  if (tag === TAG_BINARY) {
    if (end - start < 2) throw corrupt("binary kind");
    return binary(bytes[start + 1], bytes, start + 2, end);
  }
  if (tag !== TAG_STRUCTURED) throw corrupt("unknown value tag");
  const r = new Reader(bytes, view, start + 1, end, ascii, utf8);
  const value = token(r, 0);
  if (r.at !== end) throw corrupt("trailing bytes");
  return value;
}

const latin1 = new TextDecoder("latin1");

// decodeBytes's views of wasm memory and its codecs, made again only when memory grows (a new
// buffer): views and a closure per value were a tenth of a store read's decoding.
let memoryBuffer = null;
let whole;
let wholeView;
let asciiOf;
let nativeFor;

/** Gives decodeBytes the runtime's codecs over wasm memory, as fast.js's attachMemory has them. */
export function useNativeCodecs(native) {
  nativeFor = native;
  memoryBuffer = null;
}

/** `decodeValue` of a view the wasm binding passes (a subarray of wasm memory). */
export function decodeBytes(bytes) {
  const buffer = bytes.buffer;
  if (buffer !== memoryBuffer) {
    memoryBuffer = buffer;
    const all = new Uint8Array(buffer);
    whole = all;
    wholeView = new DataView(buffer);
    // The runtime's ASCII decoder (decodeValue calls it only on bytes it checked are ASCII);
    // UTF-8 through the checking TextDecoder: these bytes may come from a store unchecked.
    asciiOf = nativeFor?.(buffer).decodeAscii ?? ((a, b) => latin1.decode(all.subarray(a, b)));
  }
  const start = bytes.byteOffset;
  return decodeValue(whole, wholeView, start, start + bytes.length, asciiOf);
}
