// Namespace versions (the seeds' versioned_cache_key): every key of a namespace carries the
// namespace's current token, kept in the cache itself, so one write makes them all
// unreachable on every instance sharing the store. A random token, not a counter: a token
// lost to eviction can never bring an old generation back.
import { typeError } from "./errors.js";
import { then } from "./maybe.js";

const tokenKey = (name) => `namespace:${name}`;

function newToken() {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function checkName(name) {
  if (typeof name !== "string" || name.length === 0) {
    throw typeError("INVALID_NAMESPACE", `a namespace name must be a non-empty string, got ${name === null ? "null" : typeof name}`);
  }
  return name;
}

/** Gives every key of namespace `name` a new token; returns it (or a Promise of it). */
export function invalidateNamespace(cache, name) {
  const token = newToken();
  return then(cache.set(tokenKey(checkName(name)), token, null), () => token);
}

/** A view of `cache` whose keys live in namespace `name`. */
export class Namespace {
  #cache;
  #name;

  constructor(cache, name) {
    this.#cache = cache;
    this.#name = checkName(name);
  }

  /** The namespace's name. */
  get name() {
    return this.#name;
  }

  /** The current token (created on first use). */
  token() {
    return this.#cache.getOrSet(tokenKey(this.#name), newToken, null);
  }

  #key(token, key) {
    if (typeof key !== "string" && typeof key !== "number") return key; // the cache names the error
    return `${this.#name}:${token}:${key}`;
  }

  /** Runs `method` of the cache on the namespaced key. */
  #on(method, key, rest) {
    return then(this.token(), (t) => this.#cache[method](this.#key(t, key), ...rest));
  }

  // The keyed methods of the cache, each on the namespaced key.
  static {
    for (const method of ["get", "set", "add", "getOrSet", "delete", "has", "touch", "incr", "decr"]) {
      Object.defineProperty(this.prototype, method, {
        value(key, ...rest) {
          return this.#on(method, key, rest);
        },
        writable: true,
        configurable: true,
      });
    }
  }

  /** Makes every key of this namespace unreachable. */
  clear() {
    return then(invalidateNamespace(this.#cache, this.#name), () => undefined);
  }

  getMany(keys, options) {
    const list = [...keys];
    return then(this.token(), (t) =>
      then(this.#cache.getMany(list.map((k) => this.#key(t, k)), options), (found) => {
        const out = new Map();
        list.forEach((k) => {
          const made = this.#key(t, k);
          if (found.has(made)) out.set(k, found.get(made));
        });
        return out;
      }));
  }

  setMany(entries, timeout) {
    const pairs = entries instanceof Map || Symbol.iterator in Object(entries) ? [...entries] : Object.entries(entries);
    return then(this.token(), (t) =>
      then(this.#cache.setMany(pairs.map(([k, v]) => [this.#key(t, k), v]), timeout), (failed) =>
        failed.map((made) => pairs.find(([k]) => this.#key(t, k) === made)?.[0] ?? made)));
  }

  deleteMany(keys, options) {
    const list = [...keys];
    return then(this.token(), (t) => this.#cache.deleteMany(list.map((k) => this.#key(t, k)), options));
  }
}
