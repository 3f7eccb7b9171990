// stores.redis(client): Redis (node-redis 4+, ioredis, or any function sending a command),
// single node or Cluster (node-redis createCluster, ioredis Redis.Cluster).
import { __redisSlots } from "../edgecache.js";
import { knownOptions, reading, typeError } from "../errors.js";
import { arrayAnswer, describe, protocolError } from "../store-answers.js";

const BLOB_STRING = 36; // RESP_TYPES.BLOB_STRING in node-redis 5+: return Buffers, not strings
const SCAN_COUNT = 500;

// Compare-and-swap in one server-side step: ARGV = [expectAbsent, expected, value, ttl], the
// ttl in seconds, '' for none, or 'keep' for the key's own (Redis 6+'s KEEPTTL).
const CAS = `local cur = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if cur then return 0 end
elseif cur ~= ARGV[2] then
  return 0
end
if ARGV[4] == '' then redis.call('SET', KEYS[1], ARGV[3])
elseif ARGV[4] == 'keep' then redis.call('SET', KEYS[1], ARGV[3], 'KEEPTTL')
else redis.call('SET', KEYS[1], ARGV[3], 'EX', ARGV[4]) end
return 1`;

// Clients take Buffers (a Uint8Array subclass in Node, Bun and Deno) for binary arguments.
const toBuffer = (a) => (a instanceof Uint8Array && globalThis.Buffer && !globalThis.Buffer.isBuffer(a) ? globalThis.Buffer.from(a.buffer, a.byteOffset, a.byteLength) : a);

/** A function sending one command (an array of strings and bytes) to a client. */
function sender(client) {
  const send = typeof client === "function" ? client : reading(() => clientSender(client), "INVALID_STORE", "stores.redis(): the client could not be read");
  return (args) => send(args.map(toBuffer));
}

const NODE_REDIS_OPTIONS = { typeMapping: { [BLOB_STRING]: globalThis.Buffer }, returnBuffers: true };

function clientSender(client) {
  if (client && typeof client.callBuffer === "function") {
    return (args) => client.callBuffer(args[0], ...args.slice(1)); // ioredis (a Cluster routes by key)
  }
  if (isNodeRedisCluster(client)) {
    // A cluster's sendCommand routes by the first key it is given.
    return (args) => client.sendCommand(args[0] === "EVAL" ? args[3] : args[1], READS.has(args[0]), args, NODE_REDIS_OPTIONS);
  }
  if (client && typeof client.sendCommand === "function") {
    return (args) => client.sendCommand(args, NODE_REDIS_OPTIONS); // node-redis
  }
  throw typeError("INVALID_STORE", "stores.redis() needs a node-redis or ioredis client, or a function (args) => Promise<reply>");
}

const READS = new Set(["GET", "MGET"]);

/** node-redis's RedisCluster: `sendCommand(firstKey, isReadonly, args, options)`. */
const isNodeRedisCluster = (client) => Boolean(client) && typeof client.nodeClient === "function" && Array.isArray(client.masters);

/** Senders to every master of a cluster client (for SCAN), or null for a single node. */
function mastersOf(client) {
  if (client?.isCluster === true && typeof client.nodes === "function") {
    return async () => client.nodes("master").map(sender); // ioredis
  }
  if (isNodeRedisCluster(client)) {
    return async () => Promise.all(client.masters.map(async (node) => sender(await client.nodeClient(node))));
  }
  return null;
}

/** True for a cluster client: batch reads go slot by slot (a cluster refuses MGET across slots). */
const isCluster = (client) => client?.isCluster === true || isNodeRedisCluster(client);

/** Indices of `keys` grouped by Redis Cluster hash slot, in first-seen order. */
function bySlot(keys) {
  const groups = new Map();
  const slots = __redisSlots(keys);
  for (let i = 0; i < keys.length; i++) {
    const group = groups.get(slots[i]);
    if (group) group.push(i);
    else groups.set(slots[i], [i]);
  }
  return [...groups.values()];
}

function bytes(reply) {
  if (reply === null || reply === undefined) return null;
  if (typeof reply === "string") return new TextEncoder().encode(reply); // not binary-safe: refused as a record
  return reply;
}

// SCAN MATCH treats * ? [ ] \ as glob syntax: escape them in a literal prefix.
const glob = (prefix) => prefix.replace(/[*?[\]\\]/g, "\\$&") + "*";

/**
 * A store adapter over Redis. Writes (and compare-and-swap) go to `client`; reads go to
 * the `readFrom` replicas in turn when given (the leader + read-replica setup), so a read
 * may lag a write by the replication delay: the memory tier keeps this instance's own
 * writes. Expiry is exact (EX); add/incr/touch are atomic (a Lua compare-and-swap on one key).
 * A Cluster client (node-redis createCluster, ioredis Redis.Cluster) works too: batch reads
 * are one MGET per hash slot, in parallel, and listing scans every master.
 * @param {object | ((args: (string | Uint8Array)[]) => Promise<unknown>)} client
 * @param {{ readFrom?: Array<object> }} [options]
 */
export function redis(client, options = {}) {
  knownOptions(options, ["readFrom"], "stores.redis()");
  const { readFrom = [] } = options ?? {};
  const write = sender(client);
  const readers = readFrom.length > 0 ? readFrom.map(sender) : [write];
  let turn = 0;
  const read = (args) => readers[turn++ % readers.length](args);
  const cluster = isCluster(client);
  const masters = mastersOf(client) ?? (async () => [write]);
  const mget = async (keys) => {
    const values = arrayAnswer(await read(["MGET", ...keys]), "redis MGET");
    if (values.length !== keys.length) throw protocolError(`redis MGET of ${keys.length} keys answered ${describe(values)}`);
    return values.map(bytes);
  };
  return {
    name: "redis",
    limits: { maxKeyBytes: 4096, maxValueBytes: 64 * 1024 * 1024, minTtl: 0 },
    async get(key) {
      return bytes(await read(["GET", key]));
    },
    async getMany(keys) {
      if (!cluster) return mget(keys);
      const out = new Array(keys.length);
      await Promise.all(bySlot(keys).map(async (group) => {
        const values = await mget(group.map((i) => keys[i]));
        group.forEach((i, n) => (out[i] = values[n] ?? null));
      }));
      return out;
    },
    async put(key, value, { ttl, keepTtl } = {}) {
      await write(keepTtl === true ? ["SET", key, value, "KEEPTTL"] : ttl === undefined ? ["SET", key, value] : ["SET", key, value, "EX", String(ttl)]);
    },
    async delete(key) {
      return Number(await write(["DEL", key])) > 0;
    },
    async *list(prefix) {
      for (const node of await masters()) {
        let cursor = "0";
        do {
          const reply = arrayAnswer(await node(["SCAN", cursor, "MATCH", glob(prefix), "COUNT", String(SCAN_COUNT)]), "redis SCAN");
          const [next, keys] = reply;
          arrayAnswer(keys, "redis SCAN's keys");
          cursor = String(next);
          for (const key of keys) yield String(key);
        } while (cursor !== "0");
      }
    },
    /** The seconds each key has left (Infinity: no expiry; undefined: absent): Django's values carry none. */
    ttls(keys) {
      return Promise.all(keys.map(async (key) => {
        const ms = Number(await read(["PTTL", key]));
        return ms >= 0 ? ms / 1000 : ms === -1 ? Infinity : undefined;
      }));
    },
    async compareAndSwap(key, expected, value, { ttl, keepTtl } = {}) {
      const args = [expected === null ? "1" : "0", expected ?? "", value, keepTtl === true ? "keep" : ttl === undefined ? "" : String(ttl)];
      // The script answers the integer 1 or 0; anything else (a proxy's "OK", an array) is no answer.
      const swapped = await write(["EVAL", CAS, "1", key, ...args]);
      if (swapped !== 1 && swapped !== 0 && swapped !== 1n && swapped !== 0n) throw protocolError(`redis compare-and-swap answered ${describe(swapped)}`);
      return swapped == 1;
    },
  };
}
