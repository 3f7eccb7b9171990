// stores.cloudflareKV(namespace): a Workers KV binding.
import { ensure, hasMethod, knownOptions } from "../errors.js";
import { fromBase64, toBase64 } from "./base64.js";
import { arrayAnswer, objectAnswer, protocolError } from "../store-answers.js";

const IS_BINDING = hasMethod("get");

const BULK = 100; // keys per bulk read (Workers KV, 2025)

/**
 * A store adapter over a Workers KV namespace binding. KV is eventually consistent (up to
 * 60 s between locations), has a 60 s minimum TTL (logical expiry is still exact: the
 * record carries it) and no compare-and-swap: add/incr/touch are not atomic across instances.
 * `encoding: "base64"` stores text so getMany can use bulk reads of 100 keys (values grow
 * by a third); the default "binary" reads each key with get(key, "arrayBuffer").
 * @param {KVNamespace} namespace
 * @param {{ encoding?: "binary" | "base64" }} [options]
 */
export function cloudflareKV(namespace, options = {}) {
  knownOptions(options, ["encoding"], "stores.cloudflareKV()");
  const { encoding = "binary" } = options ?? {};
  ensure(IS_BINDING, namespace, "INVALID_STORE", "stores.cloudflareKV() needs a KV namespace binding (env.MY_KV)");
  const text = encoding === "base64";
  const decode = (v) => (v === null ? null : text ? fromBase64(v) : v);
  const adapter = {
    name: "cloudflareKV",
    limits: { maxKeyBytes: 512, maxValueBytes: text ? 18 * 1024 * 1024 : 25 * 1024 * 1024, minTtl: 60 },
    async get(key) {
      return decode(await namespace.get(key, text ? "text" : "arrayBuffer"));
    },
    async put(key, value, { ttl } = {}) {
      await namespace.put(key, text ? toBase64(value) : value, ttl === undefined ? {} : { expirationTtl: ttl });
    },
    async delete(key) {
      await namespace.delete(key); // KV cannot tell whether the key existed
    },
    async *list(prefix) {
      let cursor;
      do {
        const page = objectAnswer(await namespace.list({ prefix, cursor }), "KV list");
        for (const key of arrayAnswer(page.keys, "KV list's keys", true)) yield key.name;
        // A cursor that does not move would list the same page for good.
        const next = page.list_complete ? undefined : page.cursor;
        cursor = next === cursor ? undefined : next;
      } while (cursor);
    },
  };
  if (text) {
    adapter.getMany = async (keys) => {
      const out = [];
      for (let i = 0; i < keys.length; i += BULK) {
        const batch = keys.slice(i, i + BULK);
        const found = await namespace.get(batch, "text");
        if (!(found instanceof Map)) throw protocolError("KV's bulk get answered something other than a Map");
        for (const key of batch) out.push(decode(found.get(key) ?? null));
      }
      return out;
    };
  }
  return adapter;
}
