// sessions({ engine: "cachedDb" }) inside the real workerd runtime (miniflare), over a KV namespace.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { Miniflare } from "miniflare";
import { workerOptions } from "./helpers.mjs";

const mf = new Miniflare(workerOptions("worker-sessions.mjs", { kvNamespaces: ["KV"] }));
after(() => mf.dispose());

const go = (path, cookie) => mf.dispatchFetch(`http://site.test${path}`, cookie ? { headers: { cookie } } : {});
const cookieOf = (response) => response.headers.get("set-cookie")?.split(";")[0];
const reads = async () => (await (await go("/reads")).json()).n;
const me = async (cookie) => (await go("/me", cookie)).json();

test("workerd cachedDb: sign in, later reads, eviction recovered from KV, flush", async () => {
  const anonymous = await go("/me");
  assert.deepEqual(await anonymous.json(), { user: null, key: null });
  const login = await go("/login?u=ann");
  assert.equal(await login.text(), "welcome ann");
  const cookie = cookieOf(login);
  assert.match(cookie, /^sessionid=[a-z0-9]{32}$/);
  assert.match(login.headers.get("set-cookie"), /; HttpOnly; Max-Age=3600; Path=\/; SameSite=Lax$/);
  const key = cookie.split("=")[1];
  // KV holds the durable record.
  const kv = await mf.getKVNamespace("KV");
  const names = (await kv.list()).keys.map((k) => k.name);
  assert.ok(names.some((n) => n.includes(key)), names.join(","));

  let before = await reads();
  assert.deepEqual(await me(cookie), { user: "ann", key });
  assert.equal(await reads(), before, "a cached session costs no KV read");
  await go("/evict");
  assert.deepEqual(await me(cookie), { user: "ann", key }, "recovered from KV after eviction");
  assert.equal(await reads(), before + 1);
  assert.deepEqual(await me(cookie), { user: "ann", key });
  assert.equal(await reads(), before + 1, "the memory tier was refilled");

  const bye = await go("/flush", cookie);
  assert.match(bye.headers.get("set-cookie"), /^sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0/);
  await go("/evict");
  assert.deepEqual(await me(cookie), { user: null, key: null }, "flushed from KV too");
});

test("workerd cachedDb: expiry on the injected clock, in the tier and in KV", async () => {
  const cookie = cookieOf(await go("/login?u=bob"));
  await go("/advance?s=3599");
  assert.equal((await me(cookie)).user, "bob");
  await go("/advance?s=1");
  assert.equal((await me(cookie)).user, null);
  await go("/evict");
  assert.equal((await me(cookie)).user, null, "the KV record is expired too");
});

test("workerd security: forged and malformed cookies, and cachePage never leaks a user's page", async () => {
  const alice = cookieOf(await go("/login?u=alice"));
  const forged = await go("/me", `sessionid=${"0".repeat(32)}`);
  assert.deepEqual(await forged.json(), { user: null, key: null });
  assert.match(forged.headers.get("set-cookie"), /^sessionid="";/);
  const before = await reads();
  const malformed = await go("/me", `sessionid=${alice.split("=")[1].slice(0, 31)}`);
  assert.deepEqual(await malformed.json(), { user: null, key: null });
  assert.equal(await reads(), before, "a malformed key is never looked up");

  const anon = await go("/page");
  const anonBody = await anon.text();
  assert.match(anonBody, /^page for anonymous/);
  assert.equal(anon.headers.get("vary"), "Cookie");
  const alicePage = await go("/page", alice);
  assert.match(await alicePage.text(), /^page for alice/);
  const anonAgain = await go("/page");
  // Read the session: never stored as shared, even between anonymous visitors.
  assert.equal(anonAgain.headers.get("x-cache"), "BYPASS");
  assert.match(await anonAgain.text(), /^page for anonymous/);
  assert.equal(anonAgain.headers.get("set-cookie"), null);
  const bob = cookieOf(await go("/login?u=bob"));
  assert.match(await (await go("/page", bob)).text(), /^page for bob/);
});
