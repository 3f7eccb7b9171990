// A user's TypeScript file, compiled with `tsc --strict --noEmit` against pkg/'s types.
// The @ts-expect-error lines prove the types reject misuse (tsc fails if they stop erroring).
import {
  MemoryCache,
  DummyCache,
  cache,
  configureCaches,
  getCache,
  type CacheStats,
  type CacheValue,
  type MemoryCacheOptions,
  makeTemplateFragmentKey,
  cacheFragment,
  streamFragments,
  type EvictReason,
  type WarmReport,
} from "edgecache";

const options: MemoryCacheOptions = {
  timeout: 60,
  maxEntries: 1000,
  cullFrequency: 3,
  maxBytes: 1 << 20,
  keyPrefix: "site",
  version: 2,
  keyFunction: (key, prefix, version) => `${prefix}|${version}|${key}`,
  location: "shared",
  onWarning: (message) => console.log(message.length),
  strictKeys: false,
  clock: { now: () => Date.now() },
};
const memory = new MemoryCache(options);
memory.set("user:1", { name: "Ada", tags: ["a"] }, 30);
memory.set("forever", "x", null);
memory.set(42, new Uint8Array([1]), { timeout: 5, version: 3 });
const value: CacheValue | undefined = memory.get("user:1");
const withDefault = memory.get("missing", "fallback", { version: 1 });
const added: boolean = memory.add("k", 1);
const made: CacheValue = memory.getOrSet("k", () => ({ fresh: true }), 10);
const many: Map<string | number, CacheValue> = memory.getMany(["a", 1]);
const failed: (string | number)[] = memory.setMany({ a: 1, b: "two" });
memory.setMany(new Map([["c", 3]]));
memory.setMany([["d", 4] as const]);
const removed: boolean = memory.delete("a");
memory.deleteMany(new Set(["b"]));
const live: boolean = memory.has("c") && memory.touch("c", null);
const counter: number | bigint = memory.incr("n", 2) ?? memory.decr("n", 1n);
const version: number = memory.incrVersion("k") + memory.decrVersion("k", 1, { version: 2 });
const key: string = memory.makeKey("k", 3);
const stats: CacheStats = memory.stats();
const ratio: number = stats.hitRatio + memory.size;
const maxBytes: number | null = stats.maxBytes;
for (const entry of memory.entries()) {
  const ttl: number | null = entry.ttl;
  console.log(entry.key, ttl, entry.bytes);
}
memory.clear();

configureCaches({ default: { backend: "memory", timeout: 300 }, off: { backend: "dummy" } });
const aliased: MemoryCache | DummyCache | Cache = getCache("off");
cache.set("proxied", true);
new DummyCache().set("k", 1);

// @ts-expect-error keys are strings or numbers
memory.set({}, 1);
// @ts-expect-error maxEntries is a number
new MemoryCache({ maxEntries: "300" });
// @ts-expect-error timeouts are seconds or null, not strings
memory.set("k", 1, "60");
// @ts-expect-error the backend is "memory" or "dummy"
configureCaches({ default: { backend: "redis" } });
// @ts-expect-error a default alias is required
configureCaches({ other: {} });
// @ts-expect-error getOrSet needs its default
memory.getOrSet("k");

console.log(value, withDefault, added, made, many, failed, removed, live, counter, version, key, ratio, maxBytes, aliased);

// The async Cache over a store adapter.
import { Cache, stores, type CacheOptions, type StoreAdapter, type AsyncCacheStats, type MemcachedStore } from "edgecache";

const adapter: StoreAdapter = stores.memory();
// MemoryCache.get is generic like Cache.get; incr of a number is a number.
interface Product { id: number; name: string }
const typed = new MemoryCache();
const product: Product | undefined = typed.get<Product>("p");
const count: number = typed.incr("n");
const big: bigint = typed.incr<bigint>("b", 1n);
void product?.name;
void count;
void big;
// memcached over many servers: its own counters and close().
const mc: MemcachedStore = stores.memcached(["10.0.0.1:11211", ["10.0.0.2", 11211]], { timeout: 0.5, deadTimeout: 30, flushOnClear: false });
const mcStats: { failovers: number; deadServers: number; errors: number } = mc.stats();
mc.close();
// @ts-expect-error a server is "host:port" or [host, port]
stores.memcached([11211]);
void mcStats;
const asyncOptions: CacheOptions = {
  store: adapter,
  memory: { maxEntries: 100 },
  localTimeout: 30,
  timeout: 60,
  storeTimeout: 0.5,
  compress: { threshold: 512, level: 6 },
  onError: (error, { op, key }) => console.log(String(error), op.length, key.length),
};
const remote = new Cache(asyncOptions);
async function useRemote(): Promise<void> {
  await remote.set("k", { a: 1 }, 30);
  const n: number = await remote.getOrSet("n", async () => 5);
  const got: string | undefined = await remote.get<string>("s");
  const withDefault: string = await remote.get<string, string>("s", "fallback");
  const stats: AsyncCacheStats = remote.stats();
  console.log(n, got, withDefault, stats.storeErrors, stats.memory?.hits, remote.atomic);
  const custom: StoreAdapter = {
    async get() { return null; },
    async put() {},
    async delete() { return false; },
  };
  new Cache({ store: custom, memory: false });
  configureCaches({ default: {}, kv: { backend: "kv", store: custom } });
  // @ts-expect-error: the store is required
  new Cache({ memory: false });
  // @ts-expect-error: an adapter needs delete()
  new Cache({ store: { async get() { return null; }, async put() {} } });
  // @ts-expect-error: backend "kv" needs a store
  configureCaches({ default: {}, kv: { backend: "kv" } });
}
void useRemote;

// Response caching.
import { cachePage, cacheMiddleware, patchCacheControl, getMaxAge, getCacheKey, type CachePageOptions } from "edgecache";
import { sessions, getSession, type Session, type SessionOptions } from "edgecache";
import { honoCache, type CacheEvent, type CacheEventType, type LockOptions, type PageEvent, type WarmProgress } from "edgecache";
import { Hono } from "hono";
import type { SessionVariables } from "edgecache";

interface Env { KV: unknown }
interface Ctx { waitUntil(p: Promise<unknown>): void }
const handler = async (request: Request, env: Env, ctx: Ctx): Promise<Response> => {
  ctx.waitUntil(Promise.resolve(env));
  return new Response(request.url);
};
const pageOptions: CachePageOptions = { timeout: 60, cache: memory, cacheStatusHeader: "X-Cache", etag: true };
const cachedHandler: (request: Request, env: Env, ctx: Ctx) => Promise<Response> = cachePage(handler, pageOptions);
const site = cacheMiddleware(handler, { cacheTimeout: 600, cache: "default", language: "en-us" });
async function useHttp(): Promise<void> {
  const response = await cachedHandler(new Request("http://x.test/"), { KV: null }, { waitUntil() {} });
  patchCacheControl(response, { maxAge: 60, public: true, no_cache: "Set-Cookie" });
  const maxAge: number | null = getMaxAge(response);
  const key: string | null = await getCacheKey(new Request("http://x.test/"), { cache: remote });
  console.log(maxAge, key, site.length);
  // @ts-expect-error: cachePage needs a timeout
  cachePage(handler, {});
  // @ts-expect-error: directives are booleans, numbers or strings
  patchCacheControl(response, { maxAge: [60] });
}
void useHttp;

// Fragments, tags, namespaces, stampede options (issue 5).
const fragmentKey: string = makeTemplateFragmentKey("sidebar", ["user", 7]);
const html: string = cacheFragment("sidebar", [7], 30, () => "<aside/>", { using: memory });
const stream: ReadableStream<Uint8Array> = streamFragments(["<main>", { fragment: "list", timeout: 300, render: async () => "<ul/>" }, "</main>"], {
  onFragment: (name, { hit }) => console.log(name, hit),
});
memory.set("post:1", "p", { timeout: 60, tags: ["posts"] });
const untagged: number = memory.invalidateTags(["posts"]);
const users = memory.namespace("users");
const alice: CacheValue | undefined = users.get("7");
const token: string = memory.invalidateNamespace("users");
const tagged = new MemoryCache({ jitter: 0.1, seed: 1, onEvict: (key: string, reason: EvictReason) => console.log(key, reason) });
const fresh: string = tagged.getOrSet("k", () => "v", { timeout: 10, staleWhileRevalidate: 30, staleIfError: 300, beta: 1 });
async function useStampede(): Promise<void> {
  const value: number = await remote.getOrSet("n", async () => 1, { timeout: 10, staleWhileRevalidate: 5, waitUntil: (p) => void p });
  await remote.invalidateTags(["posts"]);
  const v: CacheValue | undefined = await remote.namespace("users").get("7");
  const report: WarmReport = await remote.warm({ a: () => 1, b: async () => "two" }, { concurrency: 2, tags: ["warm"] });
  const fromCache: string | Promise<string> = cacheFragment("f", [], null, async () => "x", { using: remote, tags: ["t"] });
  console.log(value, v, report.stored.length, report.failed.length, await fromCache, remote.stats().refreshes);
  // @ts-expect-error: tags are strings
  memory.set("k", 1, { tags: [1] });
  // @ts-expect-error: reasons are a closed set
  const reason: EvictReason = "gone";
  void reason;
}
void useStampede;
console.log(fragmentKey, html, stream.locked, untagged, alice, token, fresh);

// Sessions: the wrapper, the Hono middleware's shape, and typed reads.
{
  const withSessions = sessions({ cache: new MemoryCache(), maxAge: 3600, sameSite: "Strict", secure: true });
  const handler = withSessions(async (request: Request, env: { KV: unknown }) => {
    const session: Session | undefined = getSession(request);
    if (!session) return new Response("no session");
    const visits = session.get<number>("visits", 0);
    const n: number = visits + 1;
    session.set("visits", n);
    session.setExpiry(new Date(Date.now() + 60_000));
    const age: number = session.getExpiryAge();
    const key: string | null = session.sessionKey;
    await session.cycleKey();
    await session.flush();
    return new Response(`${n} ${age} ${key ?? ""} ${String(env.KV)}`);
  });
  const r: Promise<Response> = handler(new Request("http://x/"), { KV: null });
  void r;
  const options: SessionOptions = { engine: "cachedDb", store: stores.memory(), cookieName: "sid" };
  void sessions(options).hono;
  // @ts-expect-error the engine is one of two names
  sessions({ engine: "db" });
}

// The eviction policy option.
{
  const adaptive = new MemoryCache({ policy: "adaptive", maxEntries: 1000, maxBytes: 1 << 20 });
  void adaptive;
  // @ts-expect-error "lru" or "adaptive" only
  new MemoryCache({ policy: "lfu" });
}

// Leases and events.
{
  const cache = new Cache({ store: stores.memory(), name: "api" });
  const lockOptions: LockOptions = { ttl: 5, wait: 2 };
  const user: Promise<{ id: number }> = cache.getOrSet("u", async () => ({ id: 1 }), { timeout: 60, lock: lockOptions });
  void user;
  void cache.getOrSet("v", 1, { lock: true });
  // @ts-expect-error lock is a boolean or { ttl, wait }
  void cache.getOrSet("v", 1, { lock: "yes" });
  const off: () => void = cache.on("storeError", (e: CacheEvent<"storeError">) => {
    const ms: number | undefined = e.duration;
    void [ms, e.op, e.error, e.key, e.cache];
  });
  off();
  const events: CacheEventType[] = ["leaseAcquired", "leaseWaited", "leaseTimeout", "corrupt"];
  void events;
  // @ts-expect-error no such event
  cache.on("hits", () => {});
  const memory = new MemoryCache({ name: "local" });
  memory.on("evict", (e) => void e.reason);
  // @ts-expect-error a MemoryCache has no store
  memory.on("storeError", () => {});
  const page = cachePage(async () => new Response("x"), { timeout: 60, cache, lock: { wait: 1 } });
  page.on("bypass", (e: PageEvent<"bypass">) => void [e.url, e.method, e.duration]);
  const mw = honoCache({ timeout: 60, lock: true });
  mw.on("hit", () => {});
  void cacheFragment("nav", [], 60, () => "x", { using: cache, lock: true });
  const name: string = cache.name + memory.name;
  void name;
  void cache.warm({ a: () => 1 }, { onProgress: (p: WarmProgress) => void [p.done, p.total, p.ok] });
}

// CacheValue: objects of any interface, but no functions or Promises.
{
  interface Product {
    id: number;
    name: string;
  }
  const product: Product = { id: 1, name: "lamp" };
  const memory = new MemoryCache();
  memory.set("p", product);
  memory.set("m", new Map([["k", new Set([1n])]]));
  const found: Product | undefined = memory.get<Product>("p");
  void found;
  const made: Product = memory.getOrSet("q", () => product);
  void made;
  // @ts-expect-error a function is not a value the cache can copy
  memory.set("f", () => 1);
  // @ts-expect-error a Promise is not either (a forgotten await)
  memory.set("pr", Promise.resolve(product));
  // @ts-expect-error an async factory needs refresh options on a MemoryCache (it throws otherwise)
  memory.getOrSet("a", async () => product);
  const cache = new Cache({ store: stores.memory() });
  void cache.getOrSet("a", async () => product); // the async Cache awaits its factories
  // @ts-expect-error a Promise as the value of an async set
  void cache.set("pr", Promise.resolve(1));
}

// Sessions in a typed Hono app: c.get("session") is a Session.
{
  const app = new Hono<{ Variables: SessionVariables }>();
  app.use(sessions({ cache: new MemoryCache() }).hono);
  app.get("/", (c) => {
    const session: Session = c.get("session");
    const visits: number = session.get<number>("visits", 0) + 1;
    session.set("visits", visits);
    return c.text(String(visits));
  });
  void app;
}
