// sessions(): Django's session engines and SessionMiddleware for fetch handlers (Node).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Hono } from "hono";
import { MemoryCache, Cache, stores, sessions, getSession, cachePage } from "../../pkg/node.js";
import { manualClock } from "./helpers.mjs";

const T0 = 1_700_000_000_000; // Tue, 14 Nov 2023 22:13:20 GMT
const PREFIX = "django.contrib.sessions.cache";

/** A counting cache: how many reads the session engine made. */
function setup(options = {}) {
  const clock = manualClock(T0);
  const cache = new MemoryCache({ clock });
  const reads = { n: 0 };
  const get = cache.get.bind(cache);
  cache.get = (...args) => {
    reads.n++;
    return get(...args);
  };
  const wrap = sessions({ cache, clock, ...options });
  return { clock, cache, reads, wrap };
}

/** A handler driven by the URL: /set?k=v, /get?k, /flush, /cycle, /expiry?s, /clear, /none, /fail. */
async function app(request) {
  const url = new URL(request.url);
  const session = getSession(request);
  const q = Object.fromEntries(url.searchParams);
  switch (url.pathname) {
    case "/set":
      for (const [k, v] of Object.entries(q)) session.set(k, v);
      return new Response("set");
    case "/get":
      return Response.json(Object.fromEntries(Object.keys(q).map((k) => [k, session.get(k, null)])));
    case "/flush":
      await session.flush();
      return new Response("flushed");
    case "/cycle":
      session.set("user", q.user);
      await session.cycleKey();
      return new Response(session.sessionKey);
    case "/expiry":
      session.setExpiry(q.s === "null" ? null : q.s.includes("T") ? new Date(q.s) : Number(q.s));
      return new Response(String(session.getExpiryAge()));
    case "/fail":
      session.set("x", "1");
      return new Response("boom", { status: 500 });
    default:
      return new Response("untouched");
  }
}

const cookieOf = (response) => response.headers.get("set-cookie")?.split(";")[0];
const send = (h, path, cookie) => h(new Request(`http://site.test${path}`, cookie ? { headers: { cookie } } : {}));

test("a new session: a 32-char key, Django's exact cookie line, Vary: Cookie, data in the cache", async () => {
  const { cache, wrap } = setup();
  const h = wrap(app);
  const r = await send(h, "/set?user=ann");
  const line = r.headers.get("set-cookie");
  const key = /^sessionid=([a-z0-9]{32});/.exec(line)?.[1];
  assert.ok(key, line);
  assert.equal(line, `sessionid=${key}; expires=Tue, 28 Nov 2023 22:13:20 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax`);
  assert.equal(r.headers.get("vary"), "Cookie");
  // Django's cache engine key, under the cache's own key function (":1:" + key).
  assert.deepEqual(cache.get(PREFIX + key), { user: "ann" });
  assert.deepEqual(cache.entries().map((e) => e.key), [`:1:${PREFIX}${key}`]);
  const again = await send(h, "/get?user", `sessionid=${key}`);
  assert.deepEqual(await again.json(), { user: "ann" });
  assert.equal(again.headers.get("set-cookie"), null, "a read does not re-send the cookie");
  assert.equal(again.headers.get("vary"), "Cookie");
});

test("untouched sessions leave the response alone and cost no read without a cookie", async () => {
  const { reads, wrap } = setup();
  const h = wrap(app);
  const original = new Response("x");
  const same = await wrap(() => original)(new Request("http://site.test/"));
  assert.equal(same, original);
  assert.equal(reads.n, 0);
  const r = await send(h, "/none");
  assert.equal(r.headers.get("vary"), null);
  assert.equal(r.headers.get("set-cookie"), null);
});

test("security: forged, absent and malformed cookies never reach other data and never fix the key", async () => {
  const { cache, reads, wrap } = setup();
  const h = wrap(app);
  const alice = cookieOf(await send(h, "/set?user=alice"));
  const aliceKey = alice.slice("sessionid=".length);
  // A well-formed key naming no session: looked up, ignored, a fresh key issued on save.
  const forged = "a".repeat(32);
  const r = await send(h, "/get?user", `sessionid=${forged}`);
  assert.deepEqual(await r.json(), { user: null });
  assert.match(r.headers.get("set-cookie"), /^sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=\/; SameSite=Lax$/);
  const fixed = await send(h, "/set?user=mallory", `sessionid=${forged}`);
  const issued = cookieOf(fixed);
  assert.notEqual(issued, `sessionid=${forged}`, "no session fixation");
  assert.match(issued, /^sessionid=[a-z0-9]{32}$/);
  assert.equal(cache.get(PREFIX + forged), undefined);
  // Malformed values (wrong length, upper case, a key with a suffix, an injection) are never looked up.
  for (const bad of [aliceKey.toUpperCase(), `${aliceKey}x`, aliceKey.slice(1), `${aliceKey};x`, `../${aliceKey.slice(3)}`]) {
    const before = reads.n;
    const res = await send(h, "/get?user", `sessionid="${bad}"`);
    assert.deepEqual(await res.json(), { user: null }, bad);
    assert.equal(reads.n, before, `no lookup for ${bad}`);
    assert.match(res.headers.get("set-cookie"), /^sessionid="";/);
  }
  // Alice's own cookie still works, among other cookies.
  const own = await send(h, "/get?user", `theme=dark; ${alice}; x=1`);
  assert.deepEqual(await own.json(), { user: "alice" });
});

test("cycleKey keeps the data under a new key and deletes the old one; flush deletes everything", async () => {
  const { cache, wrap } = setup();
  const h = wrap(app);
  const first = cookieOf(await send(h, "/set?cart=3"));
  const oldKey = first.split("=")[1];
  const signedIn = await send(h, "/cycle?user=ann", first);
  const newKey = await signedIn.text();
  assert.notEqual(newKey, oldKey);
  assert.equal(cookieOf(signedIn), `sessionid=${newKey}`);
  assert.equal(cache.get(PREFIX + oldKey), undefined, "the pre-sign-in key is dead");
  assert.deepEqual(cache.get(PREFIX + newKey), { cart: "3", user: "ann" });
  assert.deepEqual(await (await send(h, "/get?user&cart", first)).json(), { user: null, cart: null });
  const flushed = await send(h, "/flush", `sessionid=${newKey}`);
  assert.match(flushed.headers.get("set-cookie"), /^sessionid=""; expires=Thu, 01 Jan 1970/);
  assert.equal(flushed.headers.get("vary"), "Cookie");
  assert.equal(cache.get(PREFIX + newKey), undefined);
  assert.equal(cache.size, 0);
});

test("expiry: the default age, setExpiry seconds/0/Date/null, all on the injected clock", async () => {
  const { clock, cache, wrap } = setup({ maxAge: 3600 });
  const h = wrap(app);
  const c = cookieOf(await send(h, "/set?user=ann"));
  clock.advance(3599);
  assert.deepEqual(await (await send(h, "/get?user", c)).json(), { user: "ann" });
  clock.advance(1);
  assert.deepEqual(await (await send(h, "/get?user", c)).json(), { user: null }, "expired after maxAge");

  const short = cookieOf(await send(h, "/set?user=bob"));
  const r60 = await send(h, "/expiry?s=60", short);
  assert.equal(await r60.text(), "60");
  assert.match(r60.headers.get("set-cookie"), /; Max-Age=60; /);
  clock.advance(60);
  assert.equal(cache.get(PREFIX + short.split("=")[1]), undefined);

  const browser = cookieOf(await send(h, "/set?user=cy"));
  const r0 = await send(h, "/expiry?s=0", browser);
  assert.equal(await r0.text(), "3600", "0 means browser close; the data keeps the default age");
  assert.equal(r0.headers.get("set-cookie"), `${browser}; HttpOnly; Path=/; SameSite=Lax`);

  const at = new Date(clock.now() + 90_500).toISOString();
  const rd = await send(h, `/expiry?s=${at}`, browser);
  assert.equal(await rd.text(), "90");
  assert.match(rd.headers.get("set-cookie"), /; Max-Age=90; /);
  const rn = await send(h, "/expiry?s=null", browser);
  assert.equal(await rn.text(), "3600");

  // A fractional age, as Django: get_expiry_age() is the number set (1.5), the cookie's
  // Max-Age its int() (1), its expires http_date(now + 1.5), the data kept for 1.5 s.
  clock.advance(0.6); // now ends in .6 s: now + 1 and now + 1.5 fall in different seconds
  const frac = cookieOf(await send(h, "/set?user=dee"));
  const r15 = await send(h, "/expiry?s=1.5", frac);
  assert.equal(await r15.text(), "1.5");
  const expires = new Date(Math.floor((clock.now() + 1500) / 1000) * 1000).toUTCString();
  assert.match(r15.headers.get("set-cookie"), new RegExp(`; expires=${expires}; HttpOnly; Max-Age=1; `));
  clock.advance(1.4);
  assert.notEqual(cache.get(PREFIX + frac.split("=")[1]), undefined, "kept for 1.5 s, not 1");
});

test("getExpiryDate of a Date set is that Date (Django returns the datetime), its age the floor of the seconds left", async () => {
  const { clock, wrap } = setup();
  clock.advance(0.6);
  const seen = [];
  const h = wrap(async (request) => {
    const session = getSession(request);
    session.set("a", 1);
    for (const at of [new Date(clock.now() + 100_300), new Date(clock.now() - 100_300)]) {
      session.setExpiry(at);
      seen.push([session.getExpiryAge(), session.getExpiryDate().getTime() - at.getTime()]);
    }
    session.setExpiry(7);
    seen.push([session.getExpiryAge(), session.getExpiryDate().getTime() - clock.now()]);
    return new Response("");
  });
  await h(new Request("http://site/"));
  // Django 5.2.19: get_expiry_age() 100 and -101, get_expiry_date() the datetime itself; 7 s: now + 7.
  assert.deepEqual(seen, [[100, 0], [-101, 0], [7, 7000]]);
});

test("saveEveryRequest re-sends the cookie; 5xx responses never save; options are checked", async () => {
  const { cache, wrap } = setup({ saveEveryRequest: true, cookieName: "sid", secure: true, sameSite: "Strict", domain: "example.com" });
  const h = wrap(app);
  const first = await send(h, "/set?a=1");
  const c = cookieOf(first);
  assert.match(first.headers.get("set-cookie"), /^sid=[a-z0-9]{32}; Domain=example\.com; expires=.*; HttpOnly; Max-Age=1209600; Path=\/; SameSite=Strict; Secure$/);
  assert.equal(cookieOf(await send(h, "/none", c)), c);
  const failed = await send(h, "/fail");
  assert.equal(failed.status, 500);
  assert.equal(failed.headers.get("set-cookie"), null);
  assert.equal(cache.size, 1);

  const bad = [
    [{ engine: "db" }, "INVALID_OPTION"],
    [{ engine: "cachedDb" }, "INVALID_OPTION"],
    [{ sameSite: "Loose" }, "INVALID_COOKIE"],
    [{ cookieName: "a b" }, "INVALID_COOKIE"],
    [{ domain: "a;b" }, "INVALID_COOKIE"],
    [{ maxAge: "1" }, "INVALID_OPTION"],
    [{ httpOnly: 1 }, "INVALID_OPTION"],
    [{ cache: 42 }, "INVALID_OPTION"],
  ];
  for (const [options, code] of bad) {
    assert.throws(() => sessions({ cache: new MemoryCache(), ...options }), (e) => e instanceof TypeError && e.code === code, JSON.stringify(options));
  }
  const session = await new Promise((resolve) => wrap((req) => (resolve(getSession(req)), new Response("")))(new Request("http://x/")));
  assert.throws(() => session.set(1, "x"), { code: "INVALID_SESSION_NAME" });
  assert.throws(() => session.set("x", undefined), { code: "INVALID_SESSION_VALUE" });
  assert.throws(() => session.setExpiry("soon"), { code: "INVALID_EXPIRY" });
});

test("the session API: flags, get/has/delete/keys/clear as Django's SessionBase", async () => {
  const { wrap } = setup();
  let seen;
  await wrap((req) => {
    const s = getSession(req);
    seen = [s.accessed, s.modified, s.isEmpty(), s.sessionKey];
    assert.equal(s.has("a"), false);
    assert.equal(s.accessed, true);
    assert.equal(s.modified, false);
    assert.equal(s.delete("a"), false, "deleting a missing name changes nothing");
    assert.equal(s.modified, false);
    s.set("a", { nested: [1, 2] });
    s.set("n", 5);
    assert.deepEqual(s.keys(), ["a", "n"]);
    assert.equal(s.delete("n"), true);
    assert.deepEqual(s.get("a"), { nested: [1, 2] });
    assert.equal(s.get("zz", "dflt"), "dflt");
    s.clear();
    assert.deepEqual(s.keys(), []);
    assert.equal(s.isEmpty(), true);
    return new Response("");
  })(new Request("http://x/"));
  assert.deepEqual(seen, [false, false, true, null]);
});

test("cachePage never serves one user's session page or cookie to another", async () => {
  const clock = manualClock(T0);
  const pages = new MemoryCache({ clock });
  const data = new MemoryCache({ clock });
  let calls = 0;
  const view = async (request) => {
    calls++;
    const s = getSession(request);
    if (new URL(request.url).pathname === "/login") {
      s.set("user", new URL(request.url).searchParams.get("u"));
      await s.cycleKey();
    }
    return new Response(`hello ${s.get("user", "anonymous")} #${calls}`);
  };
  const h = cachePage(sessions({ cache: data, clock })(view), { timeout: 60, cache: pages, clock, cacheStatusHeader: "X-Cache" });
  const anon1 = await send(h, "/page");
  assert.equal(await anon1.text(), "hello anonymous #1");
  assert.equal(anon1.headers.get("vary"), "Cookie");
  const anon2 = await send(h, "/page");
  // A page produced while the session was read is never stored as shared: the next visitor
  // without a cookie may have other session data (a CSRF token, a cart id).
  assert.equal(anon2.headers.get("x-cache"), "BYPASS", "a page that read the session is not shared between anonymous users");
  assert.equal(await anon2.text(), "hello anonymous #2");

  const aliceLogin = await send(h, "/login?u=alice");
  assert.equal(aliceLogin.headers.get("x-cache"), "BYPASS", "a response setting the session cookie is not stored");
  const alice = cookieOf(aliceLogin);
  const bob = cookieOf(await send(h, "/login?u=bob"));
  const alicePage = await send(h, "/page", alice);
  assert.match(await alicePage.text(), /^hello alice /);
  const bobPage = await send(h, "/page", bob);
  assert.match(await bobPage.text(), /^hello bob /, "Bob never gets Alice's cached page");
  const anon3 = await send(h, "/page");
  assert.match(await anon3.text(), /^hello anonymous #/);
  assert.equal(anon3.headers.get("x-cache"), "BYPASS");
  assert.equal(anon3.headers.get("set-cookie"), null, "no cookie in a shared page");
  assert.match(await (await send(h, "/page", alice)).text(), /^hello alice /);
});

test("cachedDb: writes reach the store, a cache miss reads it back and refills the cache", async () => {
  const clock = manualClock(T0);
  const cache = new MemoryCache({ clock });
  const store = stores.memory({ clock });
  const h = sessions({ cache, engine: "cachedDb", store, clock, maxAge: 600 })(app);
  const c = cookieOf(await send(h, "/set?user=ann"));
  const key = c.split("=")[1];
  assert.deepEqual(cache.get(`django.contrib.sessions.cached_db${key}`), { user: "ann" });
  cache.clear(); // eviction from the memory tier
  assert.deepEqual(await (await send(h, "/get?user", c)).json(), { user: "ann" });
  assert.deepEqual(cache.get(`django.contrib.sessions.cached_db${key}`), { user: "ann" }, "refilled");
  clock.advance(300);
  cache.clear();
  await send(h, "/get?user", c);
  clock.advance(299);
  assert.deepEqual(cache.get(`django.contrib.sessions.cached_db${key}`), { user: "ann" }, "refilled for the remaining age");
  clock.advance(1);
  assert.equal(cache.get(`django.contrib.sessions.cached_db${key}`), undefined);
  assert.deepEqual(await (await send(h, "/get?user", c)).json(), { user: null }, "expired in the store too");
  // A store holding a foreign record under the key is a miss, not a crash.
  const db = new Cache({ store, memory: false, clock, timeout: null });
  const other = cookieOf(await send(h, "/set?user=bo"));
  await db.set(`django.contrib.sessions.cached_db:db:${other.split("=")[1]}`, "garbage");
  cache.clear();
  assert.deepEqual(await (await send(h, "/get?user", other)).json(), { user: null });
});

test("Hono: the session middleware with c.get('session'), beside honoCache", async () => {
  const clock = manualClock(T0);
  const app = new Hono();
  app.use(sessions({ cache: new MemoryCache({ clock }), clock }).hono);
  app.get("/login/:name", async (c) => {
    const s = c.get("session");
    s.set("user", c.req.param("name"));
    await s.cycleKey();
    return c.text("ok", 200, { Vary: "Accept" });
  });
  app.get("/me", (c) => c.text(c.get("session").get("user", "anonymous")));
  const login = await app.request("/login/ann");
  const cookie = cookieOf(login);
  assert.match(cookie, /^sessionid=[a-z0-9]{32}$/);
  assert.equal(login.headers.get("vary"), "Accept, Cookie");
  const me = await app.request("/me", { headers: { cookie } });
  assert.equal(await me.text(), "ann");
  assert.equal(me.headers.get("vary"), "Cookie");
  assert.equal(await (await app.request("/me")).text(), "anonymous");
});

test("session keys: distinct, 32 characters of [a-z0-9], every character used", async () => {
  const { wrap } = setup();
  const h = wrap(app);
  const keys = new Set();
  for (let i = 0; i < 300; i++) keys.add(cookieOf(await send(h, "/set?a=1")).split("=")[1]);
  assert.equal(keys.size, 300);
  const chars = new Set([...keys].join(""));
  assert.equal(chars.size, 36);
  for (const k of keys) assert.match(k, /^[a-z0-9]{32}$/);
});

test("a session the handler empties is deleted with its cookie, not saved empty", async () => {
  const { cache, wrap } = setup();
  const h = wrap(async (request) => {
    const s = getSession(request);
    const url = new URL(request.url);
    if (url.pathname === "/set") s.set("a", 1);
    if (url.pathname === "/del") s.delete("a");
    if (url.pathname === "/clear") s.clear();
    return new Response("");
  });
  for (const path of ["/del", "/clear"]) {
    const c = cookieOf(await send(h, "/set"));
    assert.equal(cache.size, 1);
    const r = await send(h, path, c);
    assert.match(r.headers.get("set-cookie"), /^sessionid=""; expires=Thu, 01 Jan 1970/, path);
    assert.equal(r.headers.get("vary"), "Cookie");
    assert.equal(cache.size, 0, `${path}: the data is gone`);
  }
});

test("sign-in writes the session once; a change after cycleKey is still saved", async () => {
  const { cache, wrap } = setup();
  const writes = [];
  for (const op of ["set", "add"]) {
    const real = cache[op].bind(cache);
    cache[op] = (...args) => (writes.push(op), real(...args));
  }
  const h = wrap(async (request) => {
    const s = getSession(request);
    s.set("user", "ann");
    const cycled = s.cycleKey();
    if (new URL(request.url).pathname === "/late") s.set("late", true); // before the key exists
    await cycled;
    return new Response(s.sessionKey);
  });
  const r = await send(h, "/login");
  assert.deepEqual(writes, ["add"], "the record cycleKey created is not written again");
  assert.deepEqual(cache.get(PREFIX + (await r.text())), { user: "ann" });
  writes.length = 0;
  const late = await send(h, "/late");
  assert.deepEqual(writes, ["add", "set"]);
  assert.deepEqual(cache.get(PREFIX + (await late.text())), { user: "ann", late: true });
});

test("a request that saves a session another request signed out meanwhile gets a 400, and the session stays gone (Django's SessionInterrupted)", async () => {
  const { cache, wrap } = setup();
  let release;
  const gate = new Promise((resolve) => (release = resolve));
  const h = wrap(async (request) => {
    const session = getSession(request);
    const path = new URL(request.url).pathname;
    if (path === "/login") session.set("user", "ann");
    if (path === "/logout") await session.flush();
    if (path === "/slow") {
      session.get("user"); // loaded while signed in
      await gate; // meanwhile, another request signs out
      session.set("seen", "1");
    }
    return new Response(path);
  });
  const c = cookieOf(await send(h, "/login"));
  const slow = send(h, "/slow", c);
  const out = await send(h, "/logout", c);
  assert.match(out.headers.get("set-cookie"), /Max-Age=0/);
  release();
  const late = await slow;
  assert.equal(late.status, 400);
  assert.equal(late.headers.get("set-cookie"), null);
  assert.equal(cache.get(PREFIX + c.split("=")[1]), undefined, "the signed-out session is not brought back");
});
