// Where session data lives: Django's "cache" and "cachedDb" engines over a cache and, for
// cachedDb, a durable store behind it (loading, saving, creating keys that do not collide).
import { codedError } from "./errors.js";
import { __newSessionKey } from "./edgecache.js";

export const CREATE_ATTEMPTS = 10;
/**
 * Seconds a cachedDb row outlives its expiry. Django's database keeps expired rows until
 * `clearsessions` (run daily, as its docs suggest), so a save of a session that expired during
 * the request still updates its row there; a row that was deleted (a sign-out) is refused.
 */
export const EXPIRED_ROWS_KEPT = 86_400;
export const isRecord = (v) => v !== null && typeof v === "object" && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** [kind, value] of `_session_expiry` for the Rust rules: 0 default, 1 seconds, 2 a moment in ms. */
export function expiryOf(value) {
  if (typeof value === "number") return [1, value];
  if (typeof value === "string") return [2, Date.parse(value)];
  return [0, 0];
}

/** How long the durable store keeps a row of `age` seconds: EXPIRED_ROWS_KEPT past its expiry. */
const rowTimeout = (age) => Math.max(age, 0) + EXPIRED_ROWS_KEPT;

/** Where session data lives: the cache alone, or a durable store behind it. */
export class Engine {
  // Declared fields: defined on the instance, never a host's Object.prototype setter.
  cache;
  prefix;
  db;
  clock;
  constructor(cache, prefix, db, clock) {
    this.cache = cache;
    this.prefix = prefix;
    this.db = db;
    this.clock = clock;
  }

  /** The data of `key`, or null when there is none (or it is not a session record). */
  async load(key) {
    let data;
    try {
      data = await this.cache.get(this.prefix + key);
    } catch {
      data = undefined; // Django's cache engine: a failing cache read resets the session.
    }
    if (isRecord(data)) return data;
    if (!this.db) return null;
    const row = await this.db.get(this.#dbKey(key));
    if (!isRecord(row) || !isRecord(row.data) || typeof row.expires !== "number") return null;
    const age = (row.expires - this.clock.now()) / 1000;
    if (!(age > 0)) return null;
    await this.cache.set(this.prefix + key, row.data, age);
    return row.data;
  }

  /** Writes `data` under a new key (Django's `create`), retrying on the rare collision. */
  async create(data, age) {
    for (let i = 0; i < CREATE_ATTEMPTS; i++) {
      const key = __newSessionKey();
      if (this.db) {
        if (!(await this.db.add(this.#dbKey(key), this.#row(data, age), rowTimeout(age)))) continue;
        await this.cache.set(this.prefix + key, data, age);
        return key;
      }
      if (await this.cache.add(this.prefix + key, data, age)) return key;
    }
    throw codedError("SESSION_CREATE_FAILED", "unable to create a new session key: the cache is likely unavailable");
  }

  /**
   * Writes `data` under an existing `key`; false, writing nothing, when the session is gone (it
   * expired, or another request flushed it: a sign-out), as Django's UpdateError: a save must
   * never bring a signed-out session back.
   */
  async save(key, data, age) {
    if (this.db) {
      if (!(await this.db.has(this.#dbKey(key)))) return false;
      await this.db.set(this.#dbKey(key), this.#row(data, age), rowTimeout(age));
    } else if (!(await this.cache.has(this.prefix + key))) {
      return false;
    }
    await this.cache.set(this.prefix + key, data, age);
    return true;
  }

  async delete(key) {
    if (this.db) await this.db.delete(this.#dbKey(key));
    await this.cache.delete(this.prefix + key);
  }

  /** The durable store's key: apart from the cache's, so one KV namespace can hold both. */
  #dbKey(key) {
    return `${this.prefix}:db:${key}`;
  }

  #row(data, age) {
    return { data, expires: this.clock.now() + age * 1000 };
  }
}
