// stores.memcached(servers): memcached over its meta protocol, on one server or many. The
// protocol lines and the choice of server come from the wasm core (src/protocol/); this file
// owns the sockets: one connection per server, reused, requests pipelined on it.
import { __mcCommand, __mcReply, __mcReplyField, __mcServers, __mcStore } from "../edgecache.js";
import { isArraySafe } from "../boundary.js";
import { codedError, reading, typeError } from "../errors.js";
import { sameBytes } from "./base64.js";
import { runtimeSockets } from "../sockets.js";
import { timer } from "../deadline.js";

const [GET, GET_CAS, SET, ADD, CAS, DELETE, FLUSH_ALL, TTL] = [0, 1, 2, 3, 4, 5, 7, 8];

/** The memcached adapter's view whose items carry their client flags (format "django"). */
export const DJANGO_ITEMS = Symbol("edgecache.memcached.djangoItems");
const [VALUE, DONE, MISS, OK, SERVER_ERROR] = [0, 1, 5, 7, 8];
const EMPTY = new Uint8Array(0);
const nothing = () => undefined;
const same = (x) => x;
// memcached's default item limit is 1 MiB including the item's header and key: values up to
// 1 KiB less fit with any key (larger ones are chunked by the Cache).
const MAX_ITEM = 1024 * 1024 - 1024;
// After this turn's promise jobs (Node, Bun: setImmediate), else after the current job.
const later = typeof globalThis.setImmediate === "function" ? globalThis.setImmediate : queueMicrotask;

/** One connection to one server: requests written back to back, replies read in order. */
class Connection {
  #queue = []; // { count, replies, resolve, reject, deadline }
  #outgoing = []; // request bytes not yet written
  #buffer = EMPTY;
  #socket = null;
  #failed = null;
  #watchdog = null; // one timer for the oldest request, not one per request
  // Declared fields: defined on the instance, never a host's Object.prototype setter.
  server;
  maxValue;
  timeout;
  onFailure;
  ready;

  constructor(server, open, timeout, maxValue, onFailure) {
    this.server = server;
    this.maxValue = maxValue;
    this.timeout = timeout;
    this.onFailure = onFailure;
    const [host, port] = splitAddress(server);
    this.ready = open({ host, port }, { data: (bytes) => this.#read(bytes), closed: (error) => this.#lost(error) })
      .then((socket) => {
        this.#socket = socket;
        if (this.#failed) socket.close();
      });
    this.ready.catch((error) => this.#lost(error));
  }

  get failed() {
    return this.#failed !== null;
  }

  /**
   * Sends `bytes` (`count` commands) and resolves to their `count` replies. Not an async
   * function: one returning a promise costs two more turns per request.
   */
  send(bytes, count) {
    if (this.#socket === null && !this.#failed) return this.ready.then(() => this.send(bytes, count));
    if (this.#failed) return Promise.reject(this.#failed);
    return new Promise((resolve, reject) => {
      const idle = this.#queue.length === 0;
      this.#queue.push({ count, replies: [], resolve, reject, deadline: Date.now() + this.timeout * 1000 });
      this.#outgoing.push(bytes);
      // Nothing in flight: write now (a lone request waits for nothing). Otherwise gather what
      // this turn adds and write it at once, after the turn where the runtime allows.
      if (idle) this.#flush();
      else if (this.#outgoing.length === 1) later(() => this.#flush());
      this.#watch();
    });
  }

  /** Arms the watchdog for the oldest waiting request: unanswered by its deadline, the connection fails. */
  #watch() {
    if (this.#watchdog !== null || this.#queue.length === 0) return;
    this.#watchdog = timer(() => {
      this.#watchdog = null;
      if (this.#queue.length > 0 && this.#queue[0].deadline <= Date.now()) {
        this.#fail(codedError("STORE_TIMEOUT", `memcached ${this.server} did not answer within ${this.timeout} s`, "StoreTimeoutError"));
      } else {
        this.#watch();
      }
    }, this.#queue[0].deadline - Date.now());
  }

  /** Writes what this turn's requests queued in one write: a syscall per batch, not per key. */
  #flush() {
    const parts = this.#outgoing;
    this.#outgoing = [];
    if (this.#failed || parts.length === 0) return;
    try {
      this.#socket.write(parts.length === 1 ? parts[0] : concat(parts));
    } catch (error) {
      this.#lost(error);
    }
  }

  close() {
    this.#fail(codedError("STORE_UNAVAILABLE", `memcached ${this.server}: the adapter was closed (close())`));
  }

  /**
   * Fails the connection for what its transport reported: a coded error of this package, the
   * transport's (or a `connect` option's) own as its cause, whatever that is (even a frozen
   * object or a revoked Proxy: nothing is set on it, and reading it cannot throw here).
   */
  #lost(error) {
    let reason = "the connection failed";
    try {
      reason = error instanceof Error ? String(error.message) : String(error);
    } catch {
      // a Proxy or an object whose message or toString throws: the generic reason
    }
    this.#fail(codedError("STORE_UNAVAILABLE", `memcached ${this.server}: ${reason}`, undefined, error));
  }

  #read(bytes) {
    this.#buffer = this.#buffer.length === 0 ? bytes : concat([this.#buffer, bytes]);
    try {
      let at = 0;
      while (this.#queue.length > 0) {
        const end = indexOfCrlf(this.#buffer, at);
        if (end < 0) break;
        const packed = __mcReply(this.#buffer.subarray(at, end), this.maxValue);
        const status = packed % 16;
        const length = Math.floor(packed / 64);
        let next = end + 2;
        const cas = packed % 32 >= 16 ? this.#buffer.slice(at + __mcReplyField(0), at + __mcReplyField(1)) : null;
        // The item's TTL left in seconds, when the command asked (`t`) and it has one.
        const ttl = packed % 64 >= 32 ? __mcReplyField(3) - 1 : undefined;
        const reply = { status, value: null, flags: status === VALUE ? __mcReplyField(2) : 0, cas, ttl };
        if (status === VALUE) {
          if (this.#buffer.length < next + length + 2) break; // the value has not all arrived
          if (this.#buffer[next + length] !== 13 || this.#buffer[next + length + 1] !== 10) throw new Error("a value not followed by CRLF");
          reply.value = this.#buffer.slice(next, next + length);
          next += length + 2;
        }
        at = next;
        const request = this.#queue[0];
        request.replies.push(reply);
        if (request.replies.length === request.count) {
          this.#queue.shift();
          // A server error fails its request only: the connection is still in step.
          if (request.replies.some((r) => r.status === SERVER_ERROR)) request.reject(codedError("STORE_ERROR", `memcached ${this.server} refused a command (SERVER_ERROR)`));
          else request.resolve(request.replies);
        }
      }
      if (this.#queue.length === 0 && at < this.#buffer.length) throw new Error("a reply nobody asked for");
      this.#buffer = at === this.#buffer.length ? EMPTY : this.#buffer.subarray(at);
    } catch (error) {
      // A malformed or unasked-for reply: the stream is out of step, so nothing on it is trusted.
      this.#fail(codedError("STORE_PROTOCOL", `memcached ${this.server}: ${error.message}`));
    }
  }

  /** Fails the connection and every request on it with `error`, one of this package's. */
  #fail(error) {
    if (this.#failed) return;
    this.#failed = error;
    // workerd: a socket opened by another request cannot be used by this one. The server is
    // fine: the request is sent again on a new connection (see send in memcached()).
    error.stale = /different request/.test(error.message);
    clearTimeout(this.#watchdog);
    this.#watchdog = null;
    for (const request of this.#queue.splice(0)) request.reject(error);
    try {
      this.#socket?.close();
    } catch {
      // a socket that cannot close is dropped all the same
    }
    this.onFailure(this, error);
  }
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function indexOfCrlf(bytes, from) {
  for (let i = bytes.indexOf(13, from); i >= 0; i = bytes.indexOf(13, i + 1)) {
    if (i + 1 >= bytes.length) return -1;
    if (bytes[i + 1] === 10) return i;
  }
  return -1;
}

function splitAddress(server) {
  const at = server.lastIndexOf(":");
  return [server.slice(0, at).replace(/^\[|\]$/g, ""), Number(server.slice(at + 1))];
}

function serverName(server) {
  const name = Array.isArray(server) ? `${server[0]}:${server[1]}` : server;
  const port = typeof name === "string" ? Number(name.slice(name.lastIndexOf(":") + 1)) : NaN;
  if (typeof name !== "string" || !(Number.isInteger(port) && port > 0 && port < 65536)) {
    throw typeError("INVALID_STORE", `a memcached server is "host:port" or [host, port], got ${JSON.stringify(server)}`);
  }
  return name;
}

/**
 * A store adapter over memcached servers (`"host:port"` or `[host, port]`). Each key lives on
 * one server, chosen as pymemcache's HashClient (Django's PyMemcacheCache) chooses: rendezvous
 * hashing, so adding or removing one of N servers moves about 1/N of the keys. A server that
 * fails or does not answer within `timeout` seconds is left out for `deadTimeout` seconds,
 * doubled after each failure in a row up to `maxDeadTimeout` (a server that stays down is
 * tried less and less often; one answer resets it); its keys go to the others meanwhile
 * (failover, counted in `stats().failovers`).
 * @param {string | Array<string | [string, number]>} servers `"host:port"` or `[host, port]` each, or
 *   Django's LOCATION string (servers separated by `;` or `,`)
 * @param {{ connect?: Function, timeout?: number, deadTimeout?: number, maxDeadTimeout?: number, maxValueBytes?: number, flushOnClear?: boolean }} [options]
 */
export function memcached(servers, options = {}) {
  const [connect, timeout, deadTimeout, maxDeadTimeout, maxValueBytes, flushOnClear, rest] = reading(() => {
    const { connect = runtimeSockets(), timeout = 1, deadTimeout = 10, maxDeadTimeout = 60, maxValueBytes = MAX_ITEM, flushOnClear = false, ...rest } = options ?? {};
    return [connect, timeout, deadTimeout, maxDeadTimeout, maxValueBytes, flushOnClear, rest];
  }, "INVALID_OPTIONS", "stores.memcached(): the options could not be read");
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw typeError("UNKNOWN_OPTION", `stores.memcached() has no option '${unknown[0]}'`);
  // Django's LOCATION as a string: one server, or several separated by ";" or ",".
  if (typeof servers === "string") servers = servers.split(/[;,]/);
  if (!isArraySafe(servers) || servers.length === 0) throw typeError("INVALID_STORE", "stores.memcached() needs a list of servers (or Django's LOCATION string, \"a:11211;b:11211\")");
  if (typeof connect !== "function") throw typeError("UNSUPPORTED_OPERATION", "this runtime has no sockets: pass { connect } to stores.memcached()");
  for (const [name, v] of [["timeout", timeout], ["deadTimeout", deadTimeout], ["maxDeadTimeout", maxDeadTimeout]]) {
    if (typeof v !== "number" || !(v > 0)) throw typeError("INVALID_OPTION", `option '${name}' must be a positive number of seconds`);
  }
  if (!Number.isInteger(maxValueBytes) || maxValueBytes < 1024) throw typeError("INVALID_OPTION", "option 'maxValueBytes' must be an integer of at least 1024");
  const names = [...new Set(servers.map(serverName))];
  const connections = new Map();
  const deadUntil = new Map();
  /** Failures in a row per server (reset by an answer): each doubles its time left out. */
  const failures = new Map();
  const stats = { failovers: 0, deadServers: 0, errors: 0 };

  const onFailure = (connection, error) => {
    if (connections.get(connection.server) === connection) connections.delete(connection.server);
    if (error.stale) return;
    if (!deadUntil.has(connection.server)) stats.deadServers++;
    const n = (failures.get(connection.server) ?? 0) + 1;
    failures.set(connection.server, n);
    const seconds = Math.min(deadTimeout * 2 ** Math.min(n - 1, 30), Math.max(deadTimeout, maxDeadTimeout));
    deadUntil.set(connection.server, Date.now() + seconds * 1000);
  };
  const live = () => {
    const now = Date.now();
    for (const [name, until] of deadUntil) if (until <= now) deadUntil.delete(name);
    return deadUntil.size === 0 ? names : names.filter((n) => !deadUntil.has(n));
  };
  const connection = (server) => {
    let c = connections.get(server);
    if (!c || c.failed) {
      c = new Connection(server, connect, timeout, maxValueBytes, onFailure);
      connections.set(server, c);
    }
    return c;
  };
  /** The live servers (none: STORE_UNAVAILABLE); with one down, `count` keys count as failovers. */
  const liveOrThrow = (count) => {
    const servers = live();
    if (servers.length === 0) throw codedError("STORE_UNAVAILABLE", "every memcached server is down");
    if (servers.length < names.length) stats.failovers += count;
    return servers;
  };
  /** Indices of `keys` grouped by the live server that holds them. */
  const route = (keys) => {
    const servers = liveOrThrow(keys.length);
    if (servers.length === 1) return new Map([[servers[0], keys.map((_, i) => i)]]);
    const chosen = __mcServers(keys, servers);
    const groups = new Map();
    chosen.forEach((s, i) => {
      const group = groups.get(servers[s]);
      if (group) group.push(i);
      else groups.set(servers[s], [i]);
    });
    return groups;
  };
  const line = (op, key, length = 0, ttl, cas = EMPTY, flags = 0) => __mcCommand(op, key, length, ttl ?? NaN, cas, Date.now(), flags);
  const answered = (server, replies) => {
    if (failures.size > 0) failures.delete(server); // it answered: back to deadTimeout
    return replies;
  };
  /**
   * Sends to `server`, once more on a new connection if the first was another request's;
   * resolves to the replies, or to what `map` makes of them (in the same promise).
   */
  const send = (server, bytes, count, map = same) => {
    const done = (replies) => map(answered(server, replies));
    return connection(server)
      .send(bytes, count)
      .then(done, (error) => {
        if (!error.stale) throw error;
        return connection(server).send(bytes, count).then(done);
      });
  };
  /** The live server that holds `key`: route() for one key, without its batch arrays and Map. */
  const serverOf = (key) => {
    const servers = liveOrThrow(1);
    return servers.length === 1 ? servers[0] : servers[__mcServers([key], servers)[0]];
  };
  const one = (key, bytes, count = 1, map = same) => send(serverOf(key), bytes, count, map);
  // An item as the Cache sees it: its data, or (framed, for format "django") its client flags
  // (4 bytes, big-endian) then its data, as Django's PyMemcacheCache tells values apart.
  const item = (reply, framed) => {
    // A get is answered by a value or a miss; anything else means the stream is not ours.
    if (reply.status !== VALUE && reply.status !== MISS) throw codedError("STORE_PROTOCOL", "memcached answered a get with neither a value nor a miss");
    if (!framed || reply.value === null) return reply.value;
    const out = new Uint8Array(4 + reply.value.length);
    new DataView(out.buffer).setUint32(0, reply.flags);
    out.set(reply.value, 4);
    return out;
  };
  const store = (op, key, value, ttl, cas, framed) => {
    const flags = framed ? new DataView(value.buffer, value.byteOffset, 4).getUint32(0) : 0;
    const data = framed ? value.subarray(4) : value;
    return __mcStore(op, key, data, ttl ?? NaN, cas ?? EMPTY, Date.now(), flags);
  };

  /** Empties every server (flush_all): what clear() does here, for every cache on them. */
  const flush = async () => {
    await Promise.all(live().map(async (server) => {
      const [reply] = await send(server, line(FLUSH_ALL, "-"), 1);
      if (reply.status !== OK) throw codedError("STORE_PROTOCOL", `memcached ${server}: flush_all did not answer OK`);
    }));
  };
  const adapter = (framed) => ({
    ...(flushOnClear && { flush }),
    name: "memcached",
    limits: { maxKeyBytes: 250, maxValueBytes: framed ? maxValueBytes + 4 : maxValueBytes, minTtl: 0 },
    stats: () => ({ ...stats }),
    get(key) {
      // Not async: a turn less per read. What line() or serverOf() throws is a rejection.
      try {
        return one(key, line(GET, key), 1, (replies) => item(replies[0], framed));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    async getMany(keys) {
      const out = new Array(keys.length).fill(null);
      const failures = [];
      await Promise.all([...route(keys)].map(async ([server, group]) => {
        try {
          const replies = await send(server, concat(group.map((i) => line(GET, keys[i]))), group.length);
          group.forEach((i, n) => (out[i] = item(replies[n], framed)));
        } catch (error) {
          failures.push(error);
        }
      }));
      // One server down costs its keys, not the batch: they read as misses (as pymemcache's
      // get_many with ignore_exc), counted in stats().errors. Every server down is an error.
      stats.errors += failures.length;
      if (failures.length > 0 && out.every((v) => v === null)) throw failures[0];
      return out;
    },
    put(key, value, options = {}) {
      try {
        const { ttl } = options;
        return one(key, store(SET, key, value, ttl, undefined, framed), 1, nothing);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    async delete(key) {
      const [reply] = await one(key, line(DELETE, key));
      return reply.status === DONE;
    },
    /** The seconds each key has left (Infinity: no expiry; undefined: absent): Django's values carry none. */
    ttls(keys) {
      return Promise.all(keys.map(async (key) => {
        const [reply] = await one(key, line(TTL, key));
        return reply.status !== DONE ? undefined : reply.ttl ?? Infinity;
      }));
    },
    async compareAndSwap(key, expected, value, { ttl, keepTtl } = {}) {
      if (expected === null) {
        const [reply] = await one(key, store(ADD, key, value, ttl, undefined, framed));
        return reply.status === DONE;
      }
      const [current] = await one(key, line(GET_CAS, key));
      const bytes = item(current, framed);
      if (bytes === null || current.cas === null || !sameBytes(bytes, expected)) return false;
      // keepTtl: the item's own TTL left (an incr in Django's format, as memcached's incr keeps it).
      const [reply] = await one(key, store(CAS, key, value, keepTtl === true ? current.ttl : ttl, current.cas, framed));
      return reply.status === DONE;
    },
    /** Closes every connection (they are reused until then). */
    close() {
      for (const c of connections.values()) c.close();
      connections.clear();
    },
  });
  const plain = adapter(false);
  // format "django" (js/cache.js) reads and writes items with their client flags.
  Object.defineProperty(plain, DJANGO_ITEMS, { value: () => adapter(true) });
  return plain;
}
