// stores.sql(db): Django's database cache on Cloudflare D1 (or any client of D1's shape:
// prepare(sql).bind(...).run() / .all() / .first()).
import { ensure, hasMethod, knownOptions, typeError } from "../errors.js";
import { arrayAnswer, describe, protocolError } from "../store-answers.js";

const IS_BINDING = hasMethod("prepare");
const IN_LIMIT = 100; // D1 binds at most 100 parameters per statement

function blob(value) {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (Array.isArray(value)) return Uint8Array.from(value); // older D1 returns blobs as number[]
  return new Uint8Array(0);
}

/** The rows of an `all()` result, checked: the database's answers are untrusted too. */
const rowsOf = (result, what) => arrayAnswer(result?.results, `sql ${what}'s rows`, true);

/** The count a `SELECT COUNT(*) AS n` row holds. */
function countOf(row) {
  const n = Number(row?.n);
  if (!Number.isFinite(n)) throw protocolError(`sql COUNT(*) answered ${describe(row)}`);
  return n;
}

/**
 * A store adapter over a SQL table `table` (create it with `createCacheTable()`, Django's
 * `createcachetable`). Expiry is a column (ms); before each write the table is culled as
 * Django's database backend does: when it holds more than `maxEntries` rows, expired rows
 * go, then the `remaining / cullFrequency` lowest keys (all rows with frequency 0).
 * add/incr/touch are atomic (conditional UPDATE/INSERT).
 * @param {D1Database} db
 * @param {{ table?: string, maxEntries?: number, cullFrequency?: number, clock?: { now(): number } }} [options]
 */
export function sql(db, options = {}) {
  knownOptions(options, ["table", "maxEntries", "cullFrequency", "clock"], "stores.sql()");
  const { table = "edgecache", maxEntries = 300, cullFrequency = 3, clock } = options ?? {};
  ensure(IS_BINDING, db, "INVALID_STORE", "stores.sql() needs a D1 database binding (or a client with prepare().bind())");
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) {
    throw typeError("INVALID_OPTION", `stores.sql(): table name '${table}' must be a plain SQL identifier`);
  }
  const now = () => (clock ? clock.now() : Date.now());
  const expiry = (ttl) => (ttl === undefined ? null : now() + ttl * 1000);
  const run = (query, ...args) => db.prepare(query).bind(...args).run();
  const live = `(expires IS NULL OR expires > ?)`;

  async function cull() {
    if (countOf(await db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first()) <= maxEntries) return;
    if (cullFrequency === 0) {
      await run(`DELETE FROM ${table}`);
      return;
    }
    await run(`DELETE FROM ${table} WHERE expires IS NOT NULL AND expires <= ?`, now());
    const left = countOf(await db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first());
    if (left > maxEntries) {
      const cut = Math.floor(left / cullFrequency);
      await run(`DELETE FROM ${table} WHERE cache_key IN (SELECT cache_key FROM ${table} ORDER BY cache_key LIMIT ?)`, cut);
    }
  }

  return {
    name: "sql",
    limits: { maxKeyBytes: 1024, maxValueBytes: 1900 * 1024, minTtl: 0 },
    /** Creates the table and its expiry index if missing (Django's createcachetable). */
    async createCacheTable() {
      await db.prepare(`CREATE TABLE IF NOT EXISTS ${table} (cache_key TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL, expires INTEGER)`).run();
      await db.prepare(`CREATE INDEX IF NOT EXISTS ${table}_expires ON ${table} (expires)`).run();
    },
    async get(key) {
      const row = await db.prepare(`SELECT value FROM ${table} WHERE cache_key = ? AND ${live}`).bind(key, now()).first();
      return row !== null && typeof row === "object" ? blob(row.value) : null;
    },
    async getMany(keys) {
      const found = new Map();
      for (let i = 0; i < keys.length; i += IN_LIMIT - 1) {
        const batch = keys.slice(i, i + IN_LIMIT - 1);
        const marks = batch.map(() => "?").join(",");
        const rows = rowsOf(await db.prepare(`SELECT cache_key, value FROM ${table} WHERE cache_key IN (${marks}) AND ${live}`).bind(...batch, now()).all(), "getMany");
        for (const row of rows) found.set(row.cache_key, blob(row.value));
      }
      return keys.map((k) => found.get(k) ?? null);
    },
    async put(key, value, { ttl } = {}) {
      await cull();
      await run(`INSERT INTO ${table} (cache_key, value, expires) VALUES (?, ?, ?) ON CONFLICT(cache_key) DO UPDATE SET value = excluded.value, expires = excluded.expires`, key, value, expiry(ttl));
    },
    async delete(key) {
      const result = await run(`DELETE FROM ${table} WHERE cache_key = ?`, key);
      return (result?.meta?.changes ?? 0) > 0;
    },
    async *list(prefix) {
      const rows = rowsOf(await db.prepare(`SELECT cache_key FROM ${table} WHERE substr(cache_key, 1, length(?)) = ?`).bind(prefix, prefix).all(), "list");
      for (const row of rows) yield row.cache_key;
    },
    async compareAndSwap(key, expected, value, { ttl } = {}) {
      await cull();
      const t = now();
      const result = expected === null
        ? await run(`INSERT INTO ${table} (cache_key, value, expires) VALUES (?, ?, ?) ON CONFLICT(cache_key) DO UPDATE SET value = excluded.value, expires = excluded.expires WHERE ${table}.expires IS NOT NULL AND ${table}.expires <= ?`, key, value, expiry(ttl), t)
        : await run(`UPDATE ${table} SET value = ?, expires = ? WHERE cache_key = ? AND value = ? AND ${live}`, value, expiry(ttl), key, expected, t);
      return (result?.meta?.changes ?? 0) > 0;
    },
  };
}
