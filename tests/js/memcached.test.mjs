// stores.memcached against three real memcached servers: the async Cache suite, where keys land
// (as pymemcache's HashClient, Django's PyMemcacheCache client, puts them), a server killed and
// restarted mid-workload, a server added, and the protocol's edges.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { connect } from "node:net";
import { Cache, stores } from "../../pkg/node.js";
import { cases } from "../suite/cache-suite.mjs";
import { startMemcached } from "./memcached-server.mjs";

const python = new URL("../../.venv/bin/python", import.meta.url).pathname;
let servers = [];
const open = [];
before(async () => {
  servers = await Promise.all([0, 1, 2].map(() => startMemcached()));
});
after(async () => {
  for (const s of open) s.close();
  await Promise.all(servers.map((s) => s.stop()));
});

/** A store over the servers, closed after the tests. */
function store(options, list = servers.map((s) => s.address)) {
  const s = stores.memcached(list, options);
  open.push(s);
  return s;
}

for (const [name, run] of Object.entries(cases({ Cache, makeStore: () => store(), atomic: true, listable: false }))) {
  test(`memcached: ${name}`, run);
}

/** What one server holds under `key` (a plain text-protocol get on its own socket). */
function rawGet(port, key) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port }, () => socket.write(Buffer.from(`mg ${key} v\r\n`)));
    let text = "";
    socket.on("data", (d) => {
      text += d.toString("latin1");
      if (/^(EN|VA \d+[^\r]*\r\n[\s\S]*\r\n)/.test(text) || text.startsWith("EN\r\n")) {
        socket.destroy();
        resolve(text.startsWith("EN") ? null : text);
      }
    });
    socket.on("error", reject);
  });
}

test("memcached: keys land where Django's PyMemcacheCache (pymemcache's HashClient) puts them", async () => {
  const keys = Array.from({ length: 300 }, (_, i) => `k${i}:${(i * 7919).toString(36)}`).concat(["a", "user:1", "ü-kéy", "x".repeat(200)]);
  const addresses = servers.map((s) => s.address);
  // The real Django: the server its backend's client picks for each made key. LOCATION as a
  // list, and as the string Django also takes ("a:1;b:2"), given to both sides.
  const program = `
import json, sys
import django
from django.conf import settings
location, keys = json.loads(sys.stdin.read())
settings.configure(CACHES={"default": {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache", "LOCATION": location}})
django.setup()
from django.core.cache import cache
print(json.dumps([cache.make_key(k) for k in keys] + ["%s:%s" % cache._cache._get_client(cache.make_key(k)).server for k in keys]))`;
  for (const location of [addresses, addresses.join(";")]) {
    const out = JSON.parse(execFileSync(python, ["-c", program], { input: JSON.stringify([location, keys]), encoding: "utf8" }));
    const [made, theirs] = [out.slice(0, keys.length), out.slice(keys.length)];
    const s = stores.memcached(location);
    const cache = new Cache({ store: s, memory: false });
    for (const key of keys) await cache.delete(key);
    for (const key of keys) await cache.set(key, 1);
    assert.equal(new Set(theirs).size, 3);
    for (const [i, key] of keys.entries()) {
      assert.equal(cache.makeKey(key), made[i]);
      const holders = [];
      for (const server of servers) if ((await rawGet(server.port, made[i])) !== null) holders.push(server.address);
      assert.deepEqual(holders, [theirs[i]], key);
    }
    s.close();
  }
});

test("memcached: a fourth server moves about a quarter of the keys", async () => {
  const extra = await startMemcached();
  try {
    const three = store({}, servers.map((s) => s.address));
    const four = store({}, [...servers.map((s) => s.address), extra.address]);
    const keys = Array.from({ length: 400 }, (_, i) => `move:${i}`);
    for (const key of keys) await three.put(key, new TextEncoder().encode(key), {});
    const found = await four.getMany(keys);
    const moved = found.filter((v) => v === null).length;
    assert.ok(moved > 60 && moved < 150, `${moved} of 400 moved`);
    // The moved keys are exactly those now on the new server.
    for (const [i, key] of keys.entries()) {
      if (found[i] !== null) assert.equal(new TextDecoder().decode(found[i]), key);
    }
  } finally {
    await extra.stop();
  }
});

test("memcached: a server killed and restarted mid-workload: no exception on reads, no wrong value, failover counted", async () => {
  const s = store({ timeout: 0.5, deadTimeout: 0.5 });
  const cache = new Cache({ store: s, memory: false, keyPrefix: "kill" });
  const keys = Array.from({ length: 60 }, (_, i) => `k${i}`);
  await cache.setMany(Object.fromEntries(keys.map((k, i) => [k, `v${i}`])));
  await servers[1].kill();
  let misses = 0;
  for (let round = 0; round < 3; round++) {
    for (const [i, k] of keys.entries()) {
      const v = await cache.get(k);
      if (v === undefined) misses++;
      else assert.equal(v, `v${i}`);
    }
  }
  assert.ok(misses > 0, "the dead server's keys should miss");
  // Writes during the outage go to the live servers and read back.
  await cache.set("during", "outage");
  assert.equal(await cache.get("during"), "outage");
  assert.ok(s.stats().failovers > 0 && s.stats().deadServers >= 1, JSON.stringify(s.stats()));
  await servers[1].restart();
  await new Promise((r) => setTimeout(r, 600)); // past deadTimeout: the server is tried again
  await cache.set("after", "restart");
  assert.equal(await cache.get("after"), "restart");
  for (const [i, k] of keys.entries()) {
    const v = await cache.get(k);
    assert.ok(v === undefined || v === `v${i}`, `${k}: ${v}`);
  }
});

test("memcached: a paused server times out, is left out, and answers again after", async () => {
  const s = store({ timeout: 0.3, deadTimeout: 0.3 });
  const cache = new Cache({ store: s, memory: false, keyPrefix: "pause" });
  const keys = Array.from({ length: 30 }, (_, i) => `k${i}`);
  await cache.setMany(Object.fromEntries(keys.map((k, i) => [k, i])));
  await servers[2].pause();
  try {
    const got = await cache.getMany(keys);
    for (const [k, v] of got) assert.equal(v, keys.indexOf(k));
    assert.ok(got.size < keys.length && got.size > 0, `${got.size} of ${keys.length}`);
    assert.ok(s.stats().errors > 0);
  } finally {
    servers[2].resume();
  }
  // Past deadTimeout the server is tried again (a new connection; the machine may be slow).
  let again;
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 200));
    again = await cache.getMany(keys);
    if (again.size === keys.length) break;
  }
  assert.equal(again.size, keys.length);
});

test("memcached: a server that stays down is tried less and less often (backoff), up to maxDeadTimeout", async () => {
  // A connection that is always refused, counted: each attempt is a reconnection.
  const attempts = [];
  const refuse = async () => {
    attempts.push(Date.now());
    throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
  };
  const s = stores.memcached(["127.0.0.1:1"], { connect: refuse, deadTimeout: 0.05, maxDeadTimeout: 0.4 });
  const cache = new Cache({ store: s, memory: false, onError: () => {} });
  const until = Date.now() + 1500;
  while (Date.now() < until) {
    assert.equal(await cache.get("k"), undefined, "a down server is a miss, never a throw");
    await new Promise((r) => setTimeout(r, 5));
  }
  // Left out 0.05, 0.1, 0.2, then 0.4 s at most: about 6 attempts in 1.5 s, where a fixed
  // 0.05 s would have made about 30.
  assert.ok(attempts.length >= 3 && attempts.length <= 10, `${attempts.length} attempts`);
  const gaps = attempts.slice(1).map((t, i) => t - attempts[i]);
  assert.ok(gaps.at(-1) >= 300, `the last gap is near maxDeadTimeout: ${gaps}`);
  assert.ok(gaps.every((g) => g < 800), `never past maxDeadTimeout by much: ${gaps}`);
  s.close();
});

test("memcached: one answer resets the backoff", async () => {
  let refusing = 3;
  const attempts = [];
  // Refuses three times, then connects to the real server.
  const flaky = async ({ host, port }, handlers) => {
    attempts.push(Date.now());
    if (refusing-- > 0) throw new Error("connect ECONNREFUSED");
    const socket = connect({ host, port });
    await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    socket.on("data", (d) => handlers.data(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)));
    socket.on("close", () => handlers.closed(new Error("closed")));
    socket.on("error", () => {});
    return { write: (bytes) => socket.write(bytes), close: () => socket.destroy() };
  };
  const s = store({ connect: flaky, deadTimeout: 0.05, maxDeadTimeout: 10 });
  const cache = new Cache({ store: s, memory: false, onError: () => {} });
  // Three refusals: left out 0.05, 0.1, then 0.2 s; the fourth attempt connects.
  for (let i = 0; i < 200 && attempts.length < 4; i++) {
    await cache.get("k");
    await new Promise((r) => setTimeout(r, 10));
  }
  await cache.set("k", "v");
  assert.equal(await cache.get("k"), "v", "the server answers");
  // The next failure is left out for deadTimeout again, not 0.4 s.
  refusing = 1;
  s.close(); // drops the connection: the next request reconnects (refused once)
  const before = attempts.length;
  const started = Date.now();
  for (let i = 0; i < 100 && attempts.length < before + 2; i++) {
    await cache.get("k");
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(attempts.length, before + 2);
  assert.ok(Date.now() - started < 350, `retried after deadTimeout, not a backed-off 0.4 s (${Date.now() - started} ms)`);
});

test("memcached: a timeout of Infinity or a year waits on one timer, not one a millisecond", async () => {
  // The real server, its answers held back 60 ms by the socket: the watchdog watches them.
  const slow = async ({ host, port }, handlers) => {
    const socket = connect({ host, port });
    await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    socket.on("data", (d) => setTimeout(() => handlers.data(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)), 60));
    socket.on("close", () => handlers.closed(new Error("closed")));
    socket.on("error", () => {});
    return { write: (bytes) => socket.write(bytes), close: () => socket.destroy() };
  };
  const real = globalThis.setTimeout;
  for (const timeout of [Infinity, 365 * 86400]) {
    const s = store({ connect: slow, timeout });
    const cache = new Cache({ store: s, memory: false, strict: true, storeTimeout: 5 });
    try {
      await cache.set("slow", [timeout]);
      let armed = 0;
      globalThis.setTimeout = (run, ms, ...rest) => (armed++, real(run, ms, ...rest));
      try {
        assert.deepEqual(await cache.get("slow"), [timeout]);
      } finally {
        globalThis.setTimeout = real;
      }
      // The held-back answer (1), the Cache's deadline (1), the watchdog (1): not ~60.
      assert.ok(armed <= 4, `${armed} timers armed for one 60 ms request (timeout ${timeout})`);
    } finally {
      s.close();
    }
  }
});

test("memcached: a connection that fails, however its transport says so, fails its requests with STORE_UNAVAILABLE", async () => {
  // A connect option whose socket reports a frozen object, a revoked Proxy or a string as the
  // reason it closed, after the request was written: setting a flag on a frozen error threw
  // inside the adapter and left the request pending for good.
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  for (const reason of [Object.freeze(new Error("frozen")), proxy, "a string", undefined]) {
    const closing = async (_address, handlers) => ({
      write: () => queueMicrotask(() => handlers.closed(reason)),
      close: () => {},
    });
    const errors = [];
    const s = store({ connect: closing });
    const cache = new Cache({ store: s, memory: false, storeTimeout: 5, onError: (e) => errors.push(e) });
    assert.equal(await cache.get("k"), undefined);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].code, "STORE_UNAVAILABLE", String(errors[0].message));
    assert.equal(errors[0].cause, reason);
    s.close();
  }
  // close() with requests in flight: they fail with the same code.
  const s = store();
  const errors = [];
  const cache = new Cache({ store: s, memory: false, onError: (e) => errors.push(e.code) });
  await cache.set("k", 1);
  const pending = [cache.get("k"), cache.set("j", 2)];
  s.close();
  await Promise.all(pending);
  assert.ok(errors.length >= 1 && errors.every((c) => c === "STORE_UNAVAILABLE"), errors.join());
});

test("memcached: values up to the item limit, chunks beyond, binary keys, TTLs over 30 days", async () => {
  const s = store();
  const cache = new Cache({ store: s, memory: false, keyPrefix: "edge" });
  const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251);
  await cache.set("big", big);
  assert.deepEqual(await cache.get("big"), big);
  await cache.set("key with spaces and ünïcode", 1);
  assert.equal(await cache.get("key with spaces and ünïcode"), 1);
  await cache.set("long", 2, 40 * 86_400);
  assert.equal(await cache.get("long"), 2);
  assert.equal(cache.stats().storeErrors, 0);
});

test("memcached: clear() is refused unless flushOnClear, which empties every server", async () => {
  await assert.rejects(new Cache({ store: store(), memory: false }).clear(), { code: "UNSUPPORTED_OPERATION" });
  const flushing = new Cache({ store: store({ flushOnClear: true }), memory: false, keyPrefix: "f" });
  await flushing.set("a", 1);
  await flushing.clear();
  assert.equal(await flushing.get("a"), undefined);
});

test("memcached: bad options are refused", () => {
  assert.throws(() => stores.memcached([]), { code: "INVALID_STORE" });
  assert.throws(() => stores.memcached(["nohost"]), { code: "INVALID_STORE" });
  assert.throws(() => stores.memcached(["a:1"], { timeot: 1 }), { code: "UNKNOWN_OPTION" });
  assert.throws(() => stores.memcached(["a:1"], { timeout: 0 }), { code: "INVALID_OPTION" });
});

test("memcached: a server answering garbage, a truncated value or nothing: misses counted, no wrong value, no hang", async () => {
  const { createServer } = await import("node:net");
  // A fake server beside the real ones: its answer to any request is `reply`.
  const answers = {
    garbage: "XX not a reply\r\n",
    truncated: "VA 100 f0\r\nshort",
    unasked: "HD\r\nHD\r\nEN\r\n",
    huge: `VA ${2 ** 40} f0\r\n`,
    silent: "",
  };
  for (const [name, reply] of Object.entries(answers)) {
    const server = createServer((socket) => socket.on("data", () => reply && socket.write(reply)));
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const s = stores.memcached([`127.0.0.1:${server.address().port}`], { timeout: 0.2 });
      open.push(s);
      const cache = new Cache({ store: s, memory: false, onError: () => {} });
      assert.equal(await cache.get("k"), undefined, name);
      assert.equal(cache.stats().storeErrors, 1, name);
      await assert.rejects(cache.incr("k"), (e) => typeof e.code === "string", name);
    } finally {
      server.close();
    }
  }
});
