// Django's HTTP cache helpers, page keys and cache middleware (spec sections 1.9-1.11),
// with exact strings, an injected clock, and the shared-cache privacy rules.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  MemoryCache,
  Cache,
  stores,
  cachePage,
  cacheMiddleware,
  honoCache,
  patchCacheControl,
  getMaxAge,
  patchResponseHeaders,
  addNeverCacheHeaders,
  patchVaryHeaders,
  hasVaryHeader,
  getCacheKey,
  learnCacheKey,
} from "../../pkg/node.js";
import { manualClock } from "./helpers.mjs";

const md5 = (text) => createHash("md5").update(text).digest("hex");
const cc = (value) => new Response("", value === undefined ? {} : { headers: { "cache-control": value } });

test("patchCacheControl follows Django's parsing, order and quirks", () => {
  const cases = [
    [undefined, { no_cache: true }, "no-cache"],
    [undefined, { no_cache: "Set-Cookie" }, "no-cache=Set-Cookie"],
    ["no-cache=Set-Cookie", { no_cache: true }, "no-cache"],
    ["no-cache=Set-Cookie, no-cache=Link", { no_cache: true }, "no-cache"],
    ["no-cache=Set-Cookie", { no_cache: "Link" }, "no-cache=Set-Cookie, no-cache=Link"],
    ["private", { public: true }, "public"],
    ["public", { private: true }, "private"],
    ["public", { private: true, public: true }, "private, public"],
    ["Max-Age=10, MUST-revalidate", { no_store: false }, "max-age=10, must-revalidate, no-store=False"],
    ["max-age=100, public", { maxAge: 60 }, "max-age=60, public"],
    ["max-age=10", { "max-age": 60, s_maxage: 5 }, "max-age=10, s-maxage=5"],
    [undefined, {}, ""],
  ];
  for (const [existing, directives, expected] of cases) {
    const r = cc(existing);
    patchCacheControl(r, directives);
    assert.equal(r.headers.get("cache-control"), expected, `${existing} + ${JSON.stringify(directives)}`);
  }
  const h = new Headers();
  patchCacheControl(h, { max_age: 1.5, stale: null });
  assert.equal(h.get("cache-control"), "max-age=1.5, stale=None");
  assert.throws(() => patchCacheControl({}, {}), { name: "TypeError", code: "INVALID_ARGUMENT" });
});

test("getMaxAge: integers only, a bare max-age is 1", () => {
  const cases = [["max-age=60", 60], ["public, MAX-AGE=5", 5], ["max-age=-5", -5], ["max-age", 1], ["max-age=abc", null], ["max-age=60.5", null], ["max-age = 60", null], ['max-age="60"', null], [undefined, null]];
  for (const [value, expected] of cases) assert.equal(getMaxAge(cc(value)), expected, String(value));
});

test("patchResponseHeaders and addNeverCacheHeaders with an exact clock", () => {
  const clock = manualClock(1_700_000_000_900);
  const r = cc();
  patchResponseHeaders(r, 60, { clock });
  assert.equal(r.headers.get("expires"), "Tue, 14 Nov 2023 22:14:20 GMT");
  assert.equal(r.headers.get("cache-control"), "max-age=60");
  patchResponseHeaders(r, 10, { clock });
  assert.equal(r.headers.get("expires"), "Tue, 14 Nov 2023 22:14:20 GMT", "Expires is kept when present");
  assert.equal(r.headers.get("cache-control"), "max-age=10");
  const never = cc("public, max-age=60");
  addNeverCacheHeaders(never, { clock });
  assert.equal(never.headers.get("cache-control"), "max-age=0, no-cache, no-store, must-revalidate, private");
  assert.equal(never.headers.get("expires"), "Tue, 14 Nov 2023 22:13:20 GMT");
});

test("patchVaryHeaders and hasVaryHeader: Django's cases", () => {
  const cases = [
    [undefined, ["Accept-Encoding"], "Accept-Encoding"],
    ["Accept-Encoding", ["accept-encoding"], "Accept-Encoding"],
    ["Cookie", ["Accept-Encoding"], "Cookie, Accept-Encoding"],
    ["Cookie, Accept-Encoding", ["Accept-Encoding", "cookie"], "Cookie, Accept-Encoding"],
    [undefined, ["Accept-Encoding", "COOKIE"], "Accept-Encoding, COOKIE"],
    ["Cookie,     Accept-Encoding", ["Accept-Encoding", "cookie"], "Cookie, Accept-Encoding"],
    ["Cookie", ["Accept-Encoding", "accept-encoding"], "Cookie, Accept-Encoding, accept-encoding"],
    ["*", ["Accept-Language", "Cookie"], "*"],
    ["Accept-Language, Cookie", ["*", "Accept-Encoding"], "*"],
  ];
  for (const [existing, names, expected] of cases) {
    const r = new Response("", existing === undefined ? {} : { headers: { vary: existing } });
    patchVaryHeaders(r, names);
    assert.equal(r.headers.get("vary"), expected, `${existing} + ${names}`);
  }
  const r = new Response("", { headers: { vary: "Accept, *" } });
  assert.equal(hasVaryHeader(r, "*"), true);
  assert.equal(hasVaryHeader(r, " ACCEPT "), true);
  assert.equal(hasVaryHeader(cc(), "accept"), false);
});

test("learnCacheKey and getCacheKey give Django's exact keys with keyFormat django", async () => {
  const cache = new MemoryCache();
  const url = "http://www.example.com/test/?b=2&a=1";
  const request = new Request(url, { headers: { "accept-encoding": "gzip", cookie: "" } });
  const response = new Response("", { headers: { vary: "Cookie, Accept-Encoding, X-Missing" } });
  const key = await learnCacheKey(request, response, { cache, keyPrefix: "pfx", keyFormat: "django" });
  // Sorted list: HTTP_ACCEPT_ENCODING, HTTP_COOKIE (present but empty: adds nothing), HTTP_X_MISSING (absent: "-,").
  assert.equal(key, `views.decorators.cache.cache_page.pfx.GET.${md5(url)}.${md5("gzip-,")}`);
  assert.deepEqual(cache.get(`views.decorators.cache.cache_header.pfx.${md5(url)}`), ["HTTP_ACCEPT_ENCODING", "HTTP_COOKIE", "HTTP_X_MISSING"]);
  assert.equal(await getCacheKey(request, { cache, keyPrefix: "pfx", keyFormat: "django" }), key);
  assert.equal(await getCacheKey(request, { cache, keyPrefix: "pfx", method: "HEAD", keyFormat: "django" }), key.replace(".GET.", ".HEAD."));
  assert.equal(await getCacheKey(new Request("http://www.example.com/other"), { cache }), null);
  const head = new Request(url, { method: "HEAD" });
  const plain = await learnCacheKey(head, new Response(""), { cache, language: "en-us", timeZone: "America/Chicago" });
  assert.equal(plain, `views.decorators.cache.cache_page..HEAD.${md5(url)}.d41d8cd98f00b204e9800998ecf8427e.en-us.America/Chicago`);
  const i18n = await learnCacheKey(request, new Response("", { headers: { vary: "Accept-Language" } }), { cache, language: "fr" });
  assert.equal(i18n, `views.decorators.cache.cache_page..GET.${md5(url)}.d41d8cd98f00b204e9800998ecf8427e.fr`, "Accept-Language is redundant with the language suffix");
});

test("page keys are unambiguous by default; empty and invalid Vary names read as absent; a bare ? is dropped", async () => {
  const cache = new MemoryCache();
  const vary = new Response("", { headers: { vary: "Accept-Encoding, Accept-Language" } });
  const at = (headers, options = {}) => learnCacheKey(new Request("http://x/p", { headers }), vary, { cache, ...options });
  const a = { "accept-encoding": "gzip, brfr", "accept-language": "" };
  const b = { "accept-encoding": "gzip, br", "accept-language": "fr" };
  assert.notEqual(await at(a), await at(b));
  assert.equal(await at(a, { keyFormat: "django" }), await at(b, { keyFormat: "django" }), "Django's own scheme joins values");
  assert.notEqual(await at({ "accept-encoding": "-," }), await at({}));
  await assert.rejects(at({}, { keyFormat: "nope" }), { code: "INVALID_OPTION" });
  for (const header of ["", " , ", "Accept, ", "bad name"]) {
    const key = await learnCacheKey(new Request("http://x/q"), new Response("", { headers: { vary: header } }), { cache });
    assert.equal(typeof key, "string");
    assert.equal(await getCacheKey(new Request("http://x/q"), { cache }), key);
  }
  const bare = await learnCacheKey(new Request("http://x/r?"), new Response(""), { cache });
  assert.equal(bare, await learnCacheKey(new Request("http://x/r"), new Response(""), { cache }));
  assert.notEqual(bare, await learnCacheKey(new Request("http://x/r??"), new Response(""), { cache }));
});

/** A handler counting its calls; `make(request, n)` builds the response. */
function counted(make) {
  const handler = async (request) => {
    handler.calls++;
    return make(request, handler.calls);
  };
  handler.calls = 0;
  return handler;
}

function setup(make, options = {}) {
  const clock = manualClock(1_700_000_000_000);
  const cache = new MemoryCache({ clock });
  const handler = counted(make);
  const { middleware, ...rest } = options;
  const common = { cache, clock, cacheStatusHeader: "X-Cache", ...rest };
  const page = middleware ? cacheMiddleware(handler, common) : cachePage(handler, { timeout: 60, ...common });
  return { clock, cache, handler, page, get: (url = "http://site.test/p", init) => page(new Request(url, init)) };
}

test("cachePage: a miss stores, a hit serves a new Response with Age, Expires unchanged", async () => {
  const { handler, get, clock } = setup((_, n) => new Response(`body ${n}`, { headers: { "content-type": "text/plain" } }));
  const first = await get();
  assert.equal(first.headers.get("x-cache"), "MISS");
  assert.equal(first.headers.get("expires"), "Tue, 14 Nov 2023 22:14:20 GMT");
  assert.equal(first.headers.get("cache-control"), "max-age=60");
  assert.equal(await first.text(), "body 1");
  clock.advance(25.7);
  const second = await get();
  assert.equal(second.headers.get("x-cache"), "HIT");
  assert.equal(second.headers.get("age"), "25");
  assert.equal(second.headers.get("expires"), "Tue, 14 Nov 2023 22:14:20 GMT");
  assert.equal(await second.text(), "body 1");
  assert.equal(await (await get()).text(), "body 1", "each hit has its own body stream");
  assert.equal(handler.calls, 1);
  clock.advance(35);
  assert.equal(await (await get()).text(), "body 2", "expired after the page timeout");
});

test("cachePage: GET and HEAD entries, methods, statuses", async () => {
  const { handler, get } = setup((request, n) => new Response(request.method === "HEAD" ? null : `n=${n}`, { status: new URL(request.url).pathname === "/missing" ? 404 : 200 }));
  const head = await get("http://site.test/h", { method: "HEAD" });
  assert.equal(head.headers.get("x-cache"), "MISS");
  assert.equal((await get("http://site.test/h", { method: "HEAD" })).headers.get("x-cache"), "HIT", "HEAD reads its own entry");
  assert.equal(await (await get("http://site.test/h")).text(), "n=2", "GET does not read the HEAD entry");
  const headFromGet = await get("http://site.test/h", { method: "HEAD" });
  assert.equal(headFromGet.headers.get("x-cache"), "HIT");
  assert.equal(headFromGet.body, null, "HEAD is served without a body");
  await get("http://site.test/missing");
  await get("http://site.test/missing");
  assert.equal(handler.calls, 4, "404 is not stored");
  await get("http://site.test/h", { method: "POST", body: "x" });
  assert.equal(handler.calls, 5, "POST goes to the handler");
});

test("UpdateCache rules: untouched responses get no headers", async () => {
  const untouched = [
    { "set-cookie": "a=1", vary: "Cookie" },
    { "cache-control": "Private" },
    { "cache-control": "no-cache=Set-Cookie" },
    { "cache-control": "NO-store" },
    { vary: "Accept, *" },
  ];
  for (const headers of untouched) {
    const { handler, get } = setup(() => new Response("x", { headers }), { middleware: true });
    const res = await get();
    assert.equal(res.headers.get("expires"), null, JSON.stringify(headers));
    assert.equal(res.headers.get("x-cache"), "BYPASS");
    await get();
    assert.equal(handler.calls, 2, JSON.stringify(headers));
  }
  const { handler, get } = setup(() => new Response("x", { headers: { "cache-control": "max-age=0" } }), { middleware: true });
  assert.equal((await get()).headers.get("expires"), null, "max-age=0 returns the response unchanged");
  await get();
  assert.equal(handler.calls, 2);
});

test("timeouts: the page timeout beats max-age; the middleware uses max-age, then cacheTimeout", async () => {
  const page = setup(() => new Response("x", { headers: { "cache-control": "max-age=3600" } }), { timeout: 10 });
  const res = await page.get();
  assert.equal(res.headers.get("cache-control"), "max-age=10");
  page.clock.advance(10);
  await page.get();
  assert.equal(page.handler.calls, 2, "stored for the page timeout, not max-age");
  const mw = setup(() => new Response("x", { headers: { "cache-control": "max-age=30" } }), { middleware: true, cacheTimeout: 300 });
  await mw.get();
  mw.clock.advance(29);
  await mw.get();
  assert.equal(mw.handler.calls, 1);
  mw.clock.advance(1);
  await mw.get();
  assert.equal(mw.handler.calls, 2);
  const zero = setup(() => new Response("x"), { timeout: 0 });
  assert.equal((await zero.get()).headers.get("cache-control"), "max-age=0", "a page timeout of 0 patches headers");
  await zero.get();
  assert.equal(zero.handler.calls, 2, "but stores nothing");
  const notModified = setup(() => new Response(null, { status: 304 }));
  assert.equal((await notModified.get()).headers.get("cache-control"), "max-age=60");
  await notModified.get();
  assert.equal(notModified.handler.calls, 2, "304 gets headers, is not stored");
});

test("fetch() responses with immutable headers are copied, not mutated", async () => {
  const { get } = setup(() => {
    const r = new Response("x");
    Object.defineProperty(r.headers, "set", { value: () => { throw new TypeError("immutable"); } });
    Object.defineProperty(r.headers, "append", { value: () => { throw new TypeError("immutable"); } });
    return r;
  });
  const res = await get();
  assert.equal(res.headers.get("cache-control"), "max-age=60");
});

test("conditional requests: If-None-Match and If-Modified-Since get 304 from a hit; etag option", async () => {
  const { get } = setup(() => new Response("hello", { headers: { "last-modified": "Tue, 14 Nov 2023 00:00:00 GMT" } }), { etag: true });
  const first = await get();
  const etag = first.headers.get("etag");
  assert.equal(etag, `"${md5("hello")}"`);
  const byTag = await get("http://site.test/p", { headers: { "if-none-match": `W/${etag}` } });
  assert.equal(byTag.status, 304);
  assert.equal(await byTag.text(), "");
  assert.equal(byTag.headers.get("etag"), etag);
  const other = await get("http://site.test/p", { headers: { "if-none-match": '"other"' } });
  assert.equal(other.status, 200);
  const bySince = await get("http://site.test/p", { headers: { "if-modified-since": "Tue, 14 Nov 2023 01:00:00 GMT" } });
  assert.equal(bySince.status, 304);
  const older = await get("http://site.test/p", { headers: { "if-modified-since": "Mon, 13 Nov 2023 00:00:00 GMT" } });
  assert.equal(older.status, 200);
});

test("coalescing: concurrent misses call the handler once, each gets its own Response", async () => {
  let release;
  const gate = new Promise((r) => (release = r));
  const { handler, page } = setup(async (_, n) => {
    await gate;
    return new Response(`shared ${n}`);
  });
  const pending = Array.from({ length: 5 }, () => page(new Request("http://site.test/c")));
  release();
  const bodies = await Promise.all((await Promise.all(pending)).map((r) => r.text()));
  assert.deepEqual(bodies, Array(5).fill("shared 1"));
  assert.equal(handler.calls, 1);
});

test("coalescing never shares a response the key would not share", async () => {
  let release;
  const gate = new Promise((r) => (release = r));
  const { handler, page } = setup(async (request, n) => {
    await gate;
    return new Response(`for ${request.headers.get("accept-language")} #${n}`, { headers: { vary: "Accept-Language" } });
  });
  const en = page(new Request("http://site.test/v", { headers: { "accept-language": "en" } }));
  const fr = page(new Request("http://site.test/v", { headers: { "accept-language": "fr" } }));
  release();
  assert.equal(await (await en).text(), "for en #1");
  assert.equal(await (await fr).text(), "for fr #2");
  assert.equal(handler.calls, 2);
});

// What must and must not be served from another request's entry.
test("privacy and poisoning: Authorization, Cookie, Set-Cookie, Accept-Language, Host, X-Forwarded-Host, query order", async () => {
  const echo = (request, n) => new Response(`auth=${request.headers.get("authorization")} cookie=${request.headers.get("cookie")} host=${request.headers.get("x-forwarded-host") ?? new URL(request.url).host} #${n}`);
  // Authorization: Vary: Authorization is added, and the response is not stored without public.
  let s = setup(echo);
  const alice = await s.get("http://site.test/a", { headers: { authorization: "Bearer alice" } });
  assert.equal(alice.headers.get("vary"), "Authorization");
  assert.match(await (await s.get("http://site.test/a")).text(), /auth=null/, "anonymous does not get Alice's page");
  assert.match(await (await s.get("http://site.test/a", { headers: { authorization: "Bearer bob" } })).text(), /auth=Bearer bob/);
  // ...unless the response is public: then it is shared on purpose.
  s = setup((r, n) => new Response(`public #${n}`, { headers: { "cache-control": "public" } }));
  await s.get("http://site.test/a", { headers: { authorization: "Bearer alice" } });
  assert.equal(await (await s.get("http://site.test/a")).text(), "public #1");
  // Cookie without Vary: Cookie: not stored; with it: stored per cookie value.
  s = setup(echo);
  await s.get("http://site.test/a", { headers: { cookie: "session=alice" } });
  assert.match(await (await s.get("http://site.test/a")).text(), /cookie=null/);
  s = setup((r, n) => new Response(`cookie=${r.headers.get("cookie")} #${n}`, { headers: { vary: "Cookie" } }));
  await s.get("http://site.test/a", { headers: { cookie: "session=alice" } });
  assert.equal(await (await s.get("http://site.test/a", { headers: { cookie: "session=bob" } })).text(), "cookie=session=bob #2");
  assert.equal(await (await s.get("http://site.test/a", { headers: { cookie: "session=alice" } })).text(), "cookie=session=alice #1");
  // Set-Cookie: never stored by default; public + stripSetCookie stores it without the cookie.
  s = setup((r, n) => new Response(`n=${n}`, { headers: { "set-cookie": "id=alice", "cache-control": "public" } }));
  await s.get();
  const second = await s.get();
  assert.equal(second.headers.get("set-cookie"), "id=alice");
  assert.equal(await second.text(), "n=2");
  s = setup((r, n) => new Response(`n=${n}`, { headers: { "set-cookie": "id=alice", "cache-control": "public" } }), { stripSetCookie: true });
  assert.equal((await s.get()).headers.get("set-cookie"), "id=alice", "the first caller gets its cookie");
  const stripped = await s.get();
  assert.equal(stripped.headers.get("set-cookie"), null, "others never get it");
  assert.equal(await stripped.text(), "n=1");
  // Accept-Language with Vary: separate entries.
  s = setup((r, n) => new Response(`${r.headers.get("accept-language")} #${n}`, { headers: { vary: "Accept-Language" } }));
  await s.get("http://site.test/l", { headers: { "accept-language": "en" } });
  assert.equal(await (await s.get("http://site.test/l", { headers: { "accept-language": "fr" } })).text(), "fr #2");
  // Host: part of the URL, so part of the key.
  s = setup(echo);
  await s.get("http://one.test/a");
  assert.match(await (await s.get("http://two.test/a")).text(), /host=two.test/);
  // X-Forwarded-Host is not in the key: a response to it is never stored (poisoning).
  s = setup(echo);
  await s.get("http://site.test/a", { headers: { "x-forwarded-host": "evil.test" } });
  assert.match(await (await s.get("http://site.test/a")).text(), /host=site.test/);
  // Query-string order is not normalised (as Django): two entries, each correct.
  s = setup((r, n) => new Response(`${new URL(r.url).search} #${n}`));
  await s.get("http://site.test/q?a=1&b=2");
  assert.equal(await (await s.get("http://site.test/q?b=2&a=1")).text(), "?b=2&a=1 #2");
  assert.equal(await (await s.get("http://site.test/q?a=1&b=2")).text(), "?a=1&b=2 #1");
});

test("cachePage over the async Cache and a store", async () => {
  const clock = manualClock(1_700_000_000_000);
  const store = stores.memory();
  const handler = counted((_, n) => new Response(new Uint8Array([n, 0, 255])));
  const page = cachePage(handler, { timeout: 120, cache: new Cache({ store, clock }), clock });
  await page(new Request("http://site.test/bin"));
  // Another instance (no memory tier) reads the stored response from the store.
  const other = cachePage(handler, { timeout: 120, cache: new Cache({ store, clock, memory: false }), clock });
  const hit = await other(new Request("http://site.test/bin"));
  assert.deepEqual(new Uint8Array(await hit.arrayBuffer()), new Uint8Array([1, 0, 255]));
  assert.equal(handler.calls, 1);
});

test("cachePage, cacheMiddleware and honoCache refuse an unknown option (a typo)", () => {
  const handler = () => new Response("");
  assert.throws(() => cachePage(handler, { timeout: 1, staleWhileRevalidat: 5 }), { code: "UNKNOWN_OPTION", message: /staleWhileRevalidat/ });
  assert.throws(() => cacheMiddleware(handler, { cacheTimout: 5 }), { code: "UNKNOWN_OPTION" });
  assert.throws(() => honoCache({ timeout: 1, tag: ["a"] }), { code: "UNKNOWN_OPTION" });
  assert.doesNotThrow(() => cachePage(handler, { timeout: 1, staleWhileRevalidate: 5, keyHeaders: ["x-tenant"] }));
});

test("cachePage validates its arguments", () => {
  assert.throws(() => cachePage(() => new Response(""), {}), { name: "TypeError", code: "INVALID_TIMEOUT" });
  assert.throws(() => cacheMiddleware("nope"), { name: "TypeError", code: "INVALID_ARGUMENT" });
  assert.throws(() => cachePage(() => new Response(""), { timeout: 1, cache: 5 }), { name: "TypeError", code: "INVALID_OPTION" });
  assert.throws(() => cachePage(() => new Response(""), { timeout: 1, cache: {} }), { name: "TypeError", code: "INVALID_OPTION" });
});

test("stale-while-revalidate: serves stale, one background refresh through waitUntil", async () => {
  const kept = [];
  let release;
  const gate = new Promise((r) => (release = r));
  const { handler, get, clock } = setup(async (_, n) => {
    if (n > 1) await gate; // the refresh is still running during the second stale read
    return new Response(`v${n}`);
  }, { timeout: 60, staleWhileRevalidate: 30, waitUntil: (p) => kept.push(p) });
  await (await get()).text();
  clock.advance(60);
  const stale = await get();
  assert.equal(stale.headers.get("x-cache"), "STALE");
  assert.equal(await stale.text(), "v1");
  assert.equal((await get()).headers.get("x-cache"), "STALE", "a second stale read while refreshing");
  assert.equal(kept.length, 1, "one refresh per key at a time");
  release();
  await Promise.all(kept);
  assert.equal(handler.calls, 2);
  const fresh = await get();
  assert.equal(fresh.headers.get("x-cache"), "HIT");
  assert.equal(await fresh.text(), "v2");
  clock.advance(60 + 30);
  assert.equal((await get()).headers.get("x-cache"), "MISS", "past both windows");
});

test("stale-while-revalidate from the response's Cache-Control, with ctx.waitUntil found in the arguments", async () => {
  const clock = manualClock(1_700_000_000_000);
  const handler = counted((_, n) => new Response(`v${n}`, { headers: { "cache-control": "max-age=10, stale-while-revalidate=20" } }));
  const page = cacheMiddleware(handler, { cache: new MemoryCache({ clock }), clock, cacheStatusHeader: "X-Cache" });
  const kept = [];
  const ctx = { waitUntil: (p) => kept.push(p) };
  await page(new Request("http://site.test/"), {}, ctx);
  clock.advance(15);
  assert.equal((await page(new Request("http://site.test/"), {}, ctx)).headers.get("x-cache"), "STALE");
  await Promise.all(kept);
  assert.equal(await (await page(new Request("http://site.test/"), {}, ctx)).text(), "v2");
});

test("stale-if-error: a failing or 5xx origin is answered by the stale response", async () => {
  let mode = "ok";
  const { get, clock } = setup((_, n) => {
    if (mode === "throw") throw new Error("origin down");
    return new Response(`v${n}`, { status: mode === "500" ? 500 : 200 });
  }, { timeout: 60, staleIfError: 300 });
  await (await get()).text();
  clock.advance(100);
  mode = "throw";
  const a = await get();
  assert.equal(a.headers.get("x-cache"), "STALE");
  assert.equal(await a.text(), "v1");
  mode = "500";
  assert.equal(await (await get()).text(), "v1");
  mode = "ok";
  const fresh = await get();
  assert.equal(await fresh.text(), "v4");
  clock.advance(400);
  mode = "throw";
  await assert.rejects(get(), /origin down/, "past the window the error reaches the caller");
});

test("serverTiming adds the cache status to Server-Timing", async () => {
  const { get } = setup(() => new Response("x", { headers: { "server-timing": "db;dur=5" } }), { serverTiming: true });
  assert.equal((await get()).headers.get("server-timing"), "db;dur=5, edgecache;desc=MISS");
  assert.equal((await get()).headers.get("server-timing"), "edgecache;desc=HIT");
});

test("cachePage tags: invalidateTags drops the tagged pages", async () => {
  const memory = new MemoryCache();
  let calls = 0;
  const handler = (request) => new Response(`${new URL(request.url).pathname} ${++calls}`);
  const page = cachePage(handler, { timeout: 60, cache: memory, tags: (request) => [new URL(request.url).pathname.split("/")[1]] });
  const text = async (path) => (await page(new Request(`http://x.test${path}`))).text();
  assert.equal(await text("/products/1"), "/products/1 1");
  assert.equal(await text("/products/1"), "/products/1 1", "cached");
  assert.equal(await text("/blog/1"), "/blog/1 2");
  assert.equal(memory.invalidateTags(["products"]), 1);
  assert.equal(await text("/products/1"), "/products/1 3", "re-rendered after invalidation");
  assert.equal(await text("/blog/1"), "/blog/1 2", "other tags untouched");
  assert.throws(() => cachePage(handler, { timeout: 60, tags: "products" }), (e) => e instanceof TypeError && e.code === "INVALID_TAGS");
});

test("foreign or corrupt values under the page keys are misses, never a crash or a wrong page", async () => {
  const { cache, handler, get } = setup((_, n) => new Response(`body ${n}`));
  const url = "http://site.test/p";
  await (await get(url)).text();
  const headerKey = `views.decorators.cache.cache_header..${md5(url)}`;
  const pageKey = `views.decorators.cache.cache_page..GET.${md5(url)}.${md5("")}`;
  assert.ok(cache.has(headerKey) && cache.has(pageKey), "Django's keys");
  // The stored form: "EP", version 1, 0, u32 LE metadata length, metadata JSON, body.
  const packed = (meta, body = "forged", { magic = [0x45, 0x50, 1, 0], length } = {}) => {
    const m = typeof meta === "string" ? new TextEncoder().encode(meta) : meta;
    const b = new TextEncoder().encode(body);
    const out = new Uint8Array(8 + m.length + b.length);
    out.set(magic);
    new DataView(out.buffer).setUint32(4, length ?? m.length, true);
    out.set(m, 8);
    out.set(b, 8 + m.length);
    return out;
  };
  const good = '{"status":200,"statusText":"","headers":[["content-type","text/plain"]]}';
  cache.set(pageKey, packed(good));
  assert.equal(await (await get(url)).text(), "forged", "the stored form as this test writes it is the real one");
  const foreign = [
    [pageKey, { status: 200, headers: [], body: new TextEncoder().encode("forged") }], // not the stored form
    [pageKey, [good, new TextEncoder().encode("forged")]], // the form of earlier builds
    [pageKey, packed(good, "forged", { magic: [0x45, 0x50, 2, 0] })], // a future format version
    [pageKey, packed(good, "forged", { length: 1e6 })], // a length past the end
    [pageKey, packed(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))], // metadata not UTF-8
    [pageKey, packed("{not json")],
    [pageKey, packed('{"status":"200","headers":[]}')],
    [pageKey, packed('{"status":200,"headers":[["a"]]}')],
    [pageKey, packed('{"status":200,"headers":[["a",1]]}')],
    [pageKey, new Uint8Array(3)],
    [pageKey, "text"],
    [headerKey, "HTTP_COOKIE"], // a header list that is not a list
  ];
  for (const [key, value] of foreign) {
    cache.set(key, value);
    const response = await get(url);
    assert.equal(response.headers.get("x-cache"), "MISS", JSON.stringify(value));
    assert.match(await response.text(), /^body \d+$/);
  }
  assert.equal(handler.calls, 1 + foreign.length);
  const hit = await get(url);
  assert.equal(hit.headers.get("x-cache"), "HIT", "the page stored again serves");
  assert.equal(await hit.text(), `body ${handler.calls}`);
});

test("page keys stay exact per header values when remembered: absent, empty and different values", async () => {
  const { handler, get } = setup((request, n) => new Response(`${request.headers.get("x-v") ?? "absent"} ${n}`, { headers: { vary: "X-V" } }));
  const text = async (init) => (await get("http://site.test/v", init)).text();
  assert.equal(await text(), "absent 1");
  assert.equal(await text({ headers: { "x-v": "" } }), " 2", "an empty header is not an absent one");
  assert.equal(await text({ headers: { "x-v": "a" } }), "a 3");
  assert.equal(await text({ headers: { "x-v": "a" } }), "a 3");
  assert.equal(await text({ headers: { "x-v": "" } }), " 2");
  assert.equal(await text(), "absent 1");
  assert.equal(handler.calls, 3);
});

test("cache: a function of the request (a Worker's env): coalescing and the tier last across requests, never across caches", async () => {
  const caches = new Map(); // one per binding, made on first use
  const cacheFor = (request, env) => {
    if (!caches.has(env.name)) caches.set(env.name, new MemoryCache());
    return caches.get(env.name);
  };
  let calls = 0;
  let release;
  const gate = new Promise((resolve) => (release = resolve));
  const handler = async (request, env) => {
    calls++;
    await gate;
    return new Response(`page of ${env.name}`);
  };
  const page = cachePage(handler, { timeout: 60, cache: cacheFor, cacheStatusHeader: "X-Cache" });
  const a = { name: "tenant-a" };
  const b = { name: "tenant-b" };
  const misses = [...Array.from({ length: 5 }, () => page(new Request("http://site.test/p"), a)), page(new Request("http://site.test/p"), b)];
  release();
  const bodies = await Promise.all(misses.map(async (r) => (await r).text()));
  assert.deepEqual(bodies, [...Array(5).fill("page of tenant-a"), "page of tenant-b"]);
  assert.equal(calls, 2, "one handler call per cache: 5 concurrent misses of tenant a share one");
  const again = await page(new Request("http://site.test/p"), a);
  assert.equal(again.headers.get("x-cache"), "HIT");
  assert.equal(await again.text(), "page of tenant-a");
  assert.equal(calls, 2);
  assert.throws(() => cachePage(handler, { timeout: 1, cache: 5 }), { code: "INVALID_OPTION" });
  // A cache function that throws: the caller gets its own error, unchanged, and the next request works.
  const mine = new Error("no binding");
  const picky = cachePage(async () => new Response("ok"), { timeout: 60, cache: (request, env) => { if (!env) throw mine; return cacheFor(request, env); } });
  await assert.rejects(picky(new Request("http://site.test/q")), (e) => e === mine);
  assert.equal(await (await picky(new Request("http://site.test/q"), a)).text(), "ok");
  // One that returns something that is not a cache: a coded error, not a crash.
  const wrong = cachePage(async () => new Response("ok"), { timeout: 60, cache: () => 42 });
  await assert.rejects(wrong(new Request("http://site.test/q")), { code: "INVALID_OPTION" });
});
