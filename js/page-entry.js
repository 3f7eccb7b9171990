// A cached page as the cache holds it, and as a hit reads it back.
//
// Stored form: one Uint8Array, so a read is one copy out of the cache and no per-field
// decoding: bytes 0-1 "EP" (magic), byte 2 the format version (1), byte 3 reserved (0),
// bytes 4-7 the metadata length n (u32, little-endian), then n bytes of metadata as UTF-8
// JSON ({ status, statusText, headers: [[lowercase name, value]...], fresh, swr, sie }),
// then the body. Anything else under a page key is a miss.
//
// A hot page is read on every hit: its parsed metadata and what the hit path derives from
// it (the headers Age and 304s need, whether it may answer a request with Authorization)
// are remembered per metadata text, so a hit parses nothing it has seen before.
import { __ageOrigin, __mayServe } from "./edgecache.js";
import { remembered } from "./memo.js";

const MAGIC = [0x45, 0x50, 1, 0];
const HEAD = 8;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** A stored page's metadata and the facts a hit needs from it (shared: never mutated). */
export class PageEntry {
  // Declared fields: defined on the instance, never a host's Object.prototype setter.
  status;
  statusText;
  headers;
  fresh;
  swr;
  sie;
  cacheControl;
  vary;
  etag;
  lastModified;
  ageOrigin;
  servesAuthorized;
  servesAnonymous;
  constructor(meta) {
    this.status = meta.status;
    this.statusText = meta.statusText ?? "";
    this.headers = meta.headers;
    this.fresh = meta.fresh ?? Infinity;
    this.swr = meta.swr ?? 0;
    this.sie = meta.sie ?? 0;
    this.cacheControl = this.header("cache-control");
    this.vary = this.header("vary");
    this.etag = this.header("etag");
    this.lastModified = this.header("last-modified");
    this.ageOrigin = __ageOrigin(this.cacheControl, this.header("expires"));
    this.servesAuthorized = __mayServe(true, this.cacheControl, this.vary);
    this.servesAnonymous = __mayServe(false, this.cacheControl, this.vary);
  }

  /** A stored header (names are lowercase, as Headers iterates them). */
  header(name) {
    return this.headers.find(([n]) => n === name)?.[1];
  }

  /** Whether this page may answer a request that has (or lacks) an Authorization header. */
  serves(authorization) {
    return authorization ? this.servesAuthorized : this.servesAnonymous;
  }

  /** The stored form of this page with `body`. */
  pack(body) {
    const { status, statusText, headers, fresh, swr, sie } = this;
    const meta = encoder.encode(JSON.stringify({ status, statusText, headers, fresh, swr, sie }));
    const out = new Uint8Array(HEAD + meta.length + body.length);
    out.set(MAGIC);
    new DataView(out.buffer).setUint32(4, meta.length, true);
    out.set(meta, HEAD);
    out.set(body, HEAD + meta.length);
    return out;
  }
}

const MEMO_LIMIT = 256;

/** Reads stored pages, remembering the parsed metadata of the pages it has seen (bounded). */
export class PageReader {
  #memo = new Map(); // metadata text -> PageEntry without its body

  /**
   * `{ page, body }` of a stored value, or undefined for anything else (a foreign or
   * corrupt value is a miss).
   */
  read(value) {
    if (!(value instanceof Uint8Array) || value.length < HEAD) return undefined;
    for (let i = 0; i < MAGIC.length; i++) if (value[i] !== MAGIC[i]) return undefined;
    const n = value[4] | (value[5] << 8) | (value[6] << 16) | (value[7] * 2 ** 24);
    if (n > value.length - HEAD) return undefined;
    const body = value.subarray(HEAD + n);
    let text;
    try {
      text = decoder.decode(value.subarray(HEAD, HEAD + n));
    } catch {
      return undefined;
    }
    const page = remembered(this.#memo, text, () => parse(text), MEMO_LIMIT);
    return page === undefined ? undefined : { page, body };
  }
}

function parse(text) {
  let meta;
  try {
    meta = JSON.parse(text);
  } catch {
    return undefined;
  }
  // Copied onto no prototype: a field the stored JSON lacks reads as absent, never as what a
  // getter a host put on Object.prototype answers. (Once per distinct metadata: remembered.)
  if (meta === null || typeof meta !== "object") return undefined;
  meta = Object.assign(Object.create(null), meta);
  if (typeof meta?.status !== "number" || !Array.isArray(meta.headers)) return undefined;
  if (!meta.headers.every((h) => Array.isArray(h) && h.length === 2 && typeof h[0] === "string" && typeof h[1] === "string")) return undefined;
  return new PageEntry(meta);
}
