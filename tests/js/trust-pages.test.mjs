// Adversarial requests to the page cache (issue: trust), split from trust.test.mjs: override
// headers, Authorization, corrupt stored pages and Vary values that look like markers never
// get one request's page served to another.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { MemoryCache, cacheMiddleware, cachePage, getMaxAge, patchCacheControl, patchResponseHeaders } from "../../pkg/node.js";
import { seeded } from "./helpers.mjs";

test("requests with host, scheme or method override headers are never stored nor answered from the cache", async () => {
  const { cachePage } = await import("../../pkg/node.js");
  const overrides = ["Forwarded", "X-Forwarded-Proto", "X-Forwarded-Scheme", "X-Forwarded-Port", "X-Forwarded-Server", "X-Forwarded-Prefix", "X-Original-Host", "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override", "X-Forwarded-Host"];
  for (const name of overrides) {
    let calls = 0;
    const h = cachePage(async (r) => new Response(`${++calls} ${r.headers.get(name) ?? "clean"}`), { timeout: 60, cache: new MemoryCache(), cacheStatusHeader: "X-Cache" });
    const poisoned = await h(new Request("http://site/p", { headers: { [name]: "evil" } }));
    assert.equal(poisoned.headers.get("x-cache"), "BYPASS", name);
    const clean = await h(new Request("http://site/p"));
    assert.equal(await clean.text(), "2 clean", name);
    const cleanAgain = await h(new Request("http://site/p"));
    assert.equal(cleanAgain.headers.get("x-cache"), "HIT");
    const poisonedAgain = await h(new Request("http://site/p", { headers: { [name]: "evil" } }));
    assert.equal(poisonedAgain.headers.get("x-cache"), "BYPASS", `${name}: never answered from the cache`);
  }
  // Declared in keyHeaders: its value enters the key.
  let calls = 0;
  const h = cachePage(async (r) => new Response(`${++calls} ${r.headers.get("x-forwarded-proto")}`), { timeout: 60, cache: new MemoryCache(), keyHeaders: ["X-Forwarded-Proto"], cacheStatusHeader: "X-Cache" });
  const https = (await h(new Request("http://site/p", { headers: { "x-forwarded-proto": "https" } }))).text();
  assert.equal(await https, "1 https");
  assert.equal(await (await h(new Request("http://site/p", { headers: { "x-forwarded-proto": "http" } }))).text(), "2 http");
  const again = await h(new Request("http://site/p", { headers: { "x-forwarded-proto": "https" } }));
  assert.equal(again.headers.get("x-cache"), "HIT");
  assert.equal(await again.text(), "1 https");
});

test("a coalesced request with Authorization is never answered with an anonymous page", async () => {
  const { cachePage } = await import("../../pkg/node.js");
  let release;
  const gate = new Promise((resolve) => (release = resolve));
  let calls = 0;
  const h = cachePage(async (r) => {
    calls++;
    if (calls === 1) await gate;
    return new Response(r.headers.get("authorization") ? "private" : "public");
  }, { timeout: 60, cache: new MemoryCache(), cacheStatusHeader: "X-Cache" });
  const anon = h(new Request("http://site/p"));
  await null;
  const authed = h(new Request("http://site/p", { headers: { authorization: "Bearer x" } }));
  release();
  assert.equal(await (await anon).text(), "public");
  const answer = await authed;
  assert.equal(await answer.text(), "private");
  assert.notEqual(answer.headers.get("x-cache"), "HIT");
});

test("fuzz: random bytes under a page key are a miss for cachePage, never a throw", async () => {
  const { cachePage, learnCacheKey } = await import("../../pkg/node.js");
  const next = seeded(11);
  const memory = new MemoryCache();
  let calls = 0;
  const h = cachePage(async () => new Response(`fresh ${++calls}`), { timeout: 60, cache: memory });
  const key = await learnCacheKey(new Request("http://site/p"), new Response(""), { cache: memory });
  for (let round = 0; round < 500; round++) {
    const length = Math.floor(next() * 64);
    const bytes = Uint8Array.from({ length }, () => Math.floor(next() * 256));
    if (round % 2 === 0 && length >= 8) bytes.set([0x45, 0x50, 1, 0]); // the page magic
    memory.set(key, round % 5 === 0 ? "a string" : bytes, 60);
    const response = await h(new Request("http://site/p"));
    assert.match(await response.text(), /^fresh \d+$/);
    memory.delete(key);
  }
});

test("cachePage: each combination of Vary header values gets its own page, whatever a value holds", async () => {
  // A remembered page key once took a header value of "\u0001" for an absent header: a request
  // without the header was served the page made for that value.
  const { cachePage } = await import("../../pkg/node.js");
  for (const keyFormat of ["unambiguous", "django"]) {
    const page = cachePage(
      async (request) => new Response(JSON.stringify([request.headers.get("x-a"), request.headers.get("x-b")]), { headers: { vary: "X-A, X-B" } }),
      { timeout: 60, cache: new MemoryCache({ maxEntries: 1000 }), keyFormat },
    );
    const values = [undefined, "", "\u0001", "\u0001\u0001", "1"];
    const requests = values.flatMap((a) => values.map((b) => {
      const headers = {};
      if (a !== undefined) headers["x-a"] = a;
      if (b !== undefined) headers["x-b"] = b;
      return [JSON.stringify([a ?? null, b ?? null]), headers];
    }));
    for (let pass = 0; pass < 2; pass++) {
      for (const [expected, headers] of requests) {
        const body = await (await page(new Request("http://cache.test/variants", { headers }))).text();
        // Django's own format joins values without separators ("" + "1" meets "1" + ""): there a
        // shared page is Django's behaviour, but an absent header still never meets "\u0001".
        if (keyFormat === "unambiguous") assert.equal(body, expected, `pass ${pass}: ${JSON.stringify(headers)}`);
        else assert.ok(!(headers["x-a"] === undefined && JSON.parse(body)[0] === "\u0001"), `pass ${pass}: ${JSON.stringify(headers)} got ${body}`);
      }
    }
  }
});

test("page cache options a host put on Object.prototype are not the caller's (fresh process)", () => {
  // `language` there once dropped Accept-Language from every page key (French readers got the
  // English page), and a `hit` there was taken for a leased page.
  const script = fileURLToPath(new URL("../runtimes/polluted-options.mjs", import.meta.url));
  const out = JSON.parse(execFileSync(process.execPath, [script], { encoding: "utf8" }));
  assert.deepEqual(out.languages, ["en 1", "fr 2", "en 1", "fr 2"], "each language its own page");
  assert.deepEqual(out.setCookie, ["private 1", "private 2"], "a page that sets a cookie is not stored");
  assert.equal(out.cookie, true, "the session cookie stays HttpOnly");
});

test("a handler that answers with something other than a Response: INVALID_RESPONSE, nothing stored", async () => {
  // It used to fail inside the package with the engine's uncoded TypeError ("Cannot read
  // properties of null (reading 'status')").
  for (const value of [null, undefined, 5, "text", { status: 200 }, { status: 200, headers: {} }]) {
    const cache = new MemoryCache();
    for (const wrap of [(h) => cachePage(h, { timeout: 60, cache }), (h) => cacheMiddleware(h, { cache })]) {
      const page = wrap(async () => value);
      await assert.rejects(page(new Request("http://host.test/x")), (e) => e.code === "INVALID_RESPONSE", String(value));
    }
    assert.equal(cache.stats().entries, 0);
  }
  // A Response whose body was read, or is locked to a reader: the engine's uncoded "Body is
  // unusable" TypeError came out of the package.
  const read = new Response("page");
  await read.text();
  const locked = new Response("page");
  locked.body.getReader();
  for (const value of [read, locked]) {
    const cache = new MemoryCache();
    await assert.rejects(cachePage(async () => value, { timeout: 60, cache })(new Request("http://host.test/z")), (e) => e.code === "INVALID_RESPONSE" && /already read or is locked/.test(e.message));
    assert.equal(cache.stats().entries, 0);
  }
  // The handler's own error is its own.
  const own = new Error("the handler's");
  await assert.rejects(cachePage(async () => { throw own; }, { timeout: 60, cache: new MemoryCache() })(new Request("http://host.test/y")), (e) => e === own);
});

test("a timeout of NaN or Infinity for response headers is refused, not written as max-age=nan and a 1970 or year-292277026596 Expires", async () => {
  for (const bad of [NaN, Infinity]) {
    assert.throws(() => patchResponseHeaders(new Response("x"), bad), { code: "INVALID_TIMEOUT" });
    assert.throws(() => cacheMiddleware(async () => new Response("x"), { cache: new MemoryCache(), cacheTimeout: bad }), { code: "INVALID_OPTION" });
    assert.throws(() => cachePage(async () => new Response("x"), { cache: new MemoryCache(), timeout: bad }), { code: "INVALID_TIMEOUT" });
  }
  // -Infinity is Django's "negative": max-age=0.
  const response = new Response("x");
  patchResponseHeaders(response, -Infinity);
  assert.equal(response.headers.get("cache-control"), "max-age=0");
});

test("responses Django fails with a 500 (an unreadable old max-age, an Expires past year 9999) pass through the page cache untouched and are never stored", async () => {
  for (const cacheControl of ["max-age=1.5", "max-age=0x10", "public, max-age=", "max-age=10, max-age=abc", "max-age=99999999999999999999"]) {
    let calls = 0;
    const h = cachePage(async () => new Response(`#${++calls}`, { headers: { "cache-control": cacheControl } }), { timeout: 60, cache: new MemoryCache(), cacheStatusHeader: "X-Cache" });
    const first = await h(new Request("http://site/p"));
    assert.equal(first.headers.get("cache-control"), cacheControl, cacheControl);
    assert.equal(first.headers.get("expires"), null, cacheControl);
    assert.equal(first.headers.get("x-cache"), "BYPASS", cacheControl);
    assert.equal(await (await h(new Request("http://site/p"))).text(), "#2", `${cacheControl}: not stored`);
    // The helpers, where Django raises, use the new max-age (docs/django.md's divergences).
    const r = new Response("x", { headers: { "cache-control": cacheControl } });
    patchCacheControl(r, { max_age: 5 });
    assert.equal(getMaxAge(r), 5, cacheControl);
  }
  // A timeout whose Expires would be past year 9999: the response passes through, nothing stored.
  let calls = 0;
  const h = cacheMiddleware(async () => new Response(`#${++calls}`), { cacheTimeout: 3e11, cache: new MemoryCache(), cacheStatusHeader: "X-Cache" });
  const first = await h(new Request("http://site/far"));
  assert.equal(first.headers.get("expires"), null);
  assert.equal(first.headers.get("cache-control"), null);
  assert.equal(await (await h(new Request("http://site/far"))).text(), "#2");
  const r = new Response("x");
  assert.throws(() => patchResponseHeaders(r, 3e11), { code: "INVALID_TIMEOUT" });
  assert.equal(r.headers.get("expires"), null);
  assert.equal(r.headers.get("cache-control"), null);
  // With its own Expires, no date is made: Django stores it for the timeout, as here.
  const far = cacheMiddleware(async () => new Response(`#${++calls}`, { headers: { expires: "Fri, 31 Dec 9999 23:59:59 GMT" } }), { cacheTimeout: 3e11, cache: new MemoryCache() });
  await far(new Request("http://site/far"));
  assert.equal(await (await far(new Request("http://site/far"))).text(), "#3");
});

test("a negative max-age replaces the stored entries with expired ones: later requests miss, as in Django", async () => {
  let calls = 0;
  let cacheControl = "max-age=60";
  const h = cacheMiddleware(async () => new Response(`#${++calls}`, { headers: { "cache-control": cacheControl, vary: "Accept-Language" } }), { cache: new MemoryCache() });
  const fr = () => new Request("http://site/n", { headers: { "accept-language": "fr" } });
  await h(fr());
  assert.equal(await (await h(fr())).text(), "#1", "stored");
  // Another variant of the URL answers max-age=-5: Django writes the URL's header list with
  // that timeout (expired at once), so the French page is no longer found either.
  cacheControl = "max-age=-5";
  const de = await h(new Request("http://site/n", { headers: { "accept-language": "de" } }));
  assert.equal(de.headers.get("cache-control"), "max-age=-5");
  assert.equal(await (await h(fr())).text(), "#3", "the old page is no longer served");
});
