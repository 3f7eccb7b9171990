// stores.denoKV(kv): a Deno.Kv, with atomic compare-and-swap (versionstamp checks).
import { ensure, hasMethod, knownOptions } from "../errors.js";
import { sameBytes } from "./base64.js";
import { arrayAnswer, objectAnswer } from "../store-answers.js";

const IS_BINDING = hasMethod("atomic");

const GET_MANY = 10; // Deno KV's getMany limit
// How long a write waits out another process's lock: under the Cache's default storeTimeout
// (1 s), which bounds the call anyway. 10 tries (about 0.4 s) lost increments with six busy
// processes on two loaded cores (docs/persistence.md).
const BUSY_BUDGET_MS = 900;

/**
 * Runs `op` again while a file-backed Deno KV says another process holds its write lock
 * (SQLite's BUSY, thrown as "database is locked"; the transaction did not commit, so a retry
 * is safe). Backoff 1, 2, 4 … 64 ms with jitter, for up to BUSY_BUDGET_MS; any other error,
 * or a BUSY past the budget, is thrown unchanged.
 */
async function unlocked(op) {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (error) {
      if (!/database is locked/.test(error?.message)) throw error;
      const ms = Math.min(64, 2 ** (attempt - 1)) * (0.5 + Math.random());
      if (Date.now() - started + ms > BUSY_BUDGET_MS) throw error;
      await new Promise((resolve) => setTimeout(resolve, ms));
    }
  }
}

/**
 * A store adapter over a `Deno.Kv` (Deno.openKv(), Deno Deploy, or @deno/kv in Node). Keys
 * are `[...prefix, storeKey]`; expiry uses `expireIn` (lazy in Deno KV: the record's own
 * expiry keeps reads exact); add/incr/touch are atomic.
 * @param {Deno.Kv} kv
 * @param {{ prefix?: Deno.KvKey }} [options] key prefix tuple, default ["edgecache"]
 */
export function denoKV(kv, settings = {}) {
  knownOptions(settings, ["prefix"], "stores.denoKV()");
  const { prefix = ["edgecache"] } = settings ?? {};
  ensure(IS_BINDING, kv, "INVALID_STORE", "stores.denoKV() needs a Deno.Kv (await Deno.openKv())");
  const full = (key) => [...prefix, key];
  const options = (ttl) => (ttl === undefined ? undefined : { expireIn: ttl * 1000 });
  return {
    name: "denoKV",
    // 2 KiB per key, minus room for the prefix; 64 KiB per value, minus the clone header.
    limits: { maxKeyBytes: 1900, maxValueBytes: 65000, minTtl: 0 },
    async get(key) {
      return objectAnswer(await unlocked(() => kv.get(full(key))), "Deno KV get").value ?? null;
    },
    async getMany(keys) {
      const out = [];
      for (let i = 0; i < keys.length; i += GET_MANY) {
        const entries = arrayAnswer(await unlocked(() => kv.getMany(keys.slice(i, i + GET_MANY).map(full))), "Deno KV getMany", true);
        for (const entry of entries) out.push(entry.value ?? null);
      }
      return out;
    },
    async put(key, value, { ttl } = {}) {
      await unlocked(() => kv.set(full(key), value, options(ttl)));
    },
    async delete(key) {
      const entry = objectAnswer(await unlocked(() => kv.get(full(key))), "Deno KV get");
      if (entry.versionstamp === null) return false;
      await unlocked(() => kv.delete(full(key)));
      return true;
    },
    async *list(keyPrefix) {
      for await (const entry of kv.list({ prefix })) {
        const key = arrayAnswer(objectAnswer(entry, "Deno KV list").key, "Deno KV list's key");
        const name = key[prefix.length];
        if (key.length === prefix.length + 1 && typeof name === "string" && name.startsWith(keyPrefix)) yield name;
      }
    },
    async compareAndSwap(key, expected, value, { ttl } = {}) {
      const current = objectAnswer(await unlocked(() => kv.get(full(key))), "Deno KV get");
      if (!sameBytes(current.value, expected)) return false;
      const result = await unlocked(() => kv.atomic().check(current).set(full(key), value, options(ttl)).commit());
      return objectAnswer(result, "Deno KV commit").ok === true;
    },
  };
}
