// cachePage inside the real workerd runtime (miniflare) over a KV-backed Cache.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { Miniflare } from "miniflare";
import { workerOptions } from "./helpers.mjs";

const options = workerOptions("worker-pages.mjs", { kvNamespaces: ["KV"] });
const mf = new Miniflare(options);
after(() => mf.dispose());

const fetchPage = (path, init) => mf.dispatchFetch(`http://site.test${path}`, init);
const calls = async () => (await (await fetchPage("/calls")).json()).calls;

test("workerd: miss, hit, HEAD from the GET entry, 304 by ETag", async () => {
  const before = await calls();
  const miss = await fetchPage("/home");
  assert.equal(miss.headers.get("x-cache"), "MISS");
  const body = await miss.text();
  const hit = await fetchPage("/home");
  assert.equal(hit.headers.get("x-cache"), "HIT");
  assert.equal(await hit.text(), body);
  assert.match(hit.headers.get("cache-control"), /max-age=300/);
  const head = await fetchPage("/home", { method: "HEAD" });
  assert.equal(head.headers.get("x-cache"), "HIT");
  assert.equal(await head.text(), "");
  const etag = hit.headers.get("etag");
  assert.ok(etag);
  const notModified = await fetchPage("/home", { headers: { "if-none-match": etag } });
  assert.equal(notModified.status, 304);
  assert.equal(await calls(), before + 1);
});

test("workerd: Vary splits entries; private and Set-Cookie responses are never shared", async () => {
  const before = await calls();
  assert.match(await (await fetchPage("/vary", { headers: { "accept-language": "en" } })).text(), /lang=en/);
  assert.match(await (await fetchPage("/vary", { headers: { "accept-language": "fr" } })).text(), /lang=fr/);
  assert.match(await (await fetchPage("/vary", { headers: { "accept-language": "en" } })).text(), /lang=en/);
  assert.equal(await calls(), before + 2);
  await fetchPage("/private");
  assert.equal((await fetchPage("/private")).headers.get("x-cache"), "BYPASS");
  const cookie = await fetchPage("/cookie");
  await cookie.text();
  const again = await fetchPage("/cookie");
  assert.equal(again.headers.get("x-cache"), "BYPASS");
  assert.equal(await calls(), before + 6);
  const alice = await fetchPage("/me", { headers: { authorization: "Bearer alice" } });
  assert.match(await alice.text(), /auth=Bearer alice/);
  assert.match(await (await fetchPage("/me")).text(), /auth=null/, "anonymous never gets Alice's page");
});

test("workerd: stale-while-revalidate refreshes through ctx.waitUntil", async () => {
  const first = await (await fetchPage("/swr")).text();
  const before = await calls();
  await fetchPage("/advance?s=301");
  const stale = await fetchPage("/swr");
  assert.equal(stale.headers.get("x-cache"), "STALE");
  assert.equal(await stale.text(), first);
  // The refresh runs after the response, kept alive by waitUntil: wait for it to land.
  for (let i = 0; i < 100 && (await calls()) === before; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(await calls(), before + 1);
  let fresh;
  for (let i = 0; i < 100; i++) {
    fresh = await fetchPage("/swr");
    if (fresh.headers.get("x-cache") === "HIT") break;
    await fresh.text();
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(fresh.headers.get("x-cache"), "HIT");
  assert.notEqual(await fresh.text(), first);
});

test("workerd: a new isolate reads the stored page from KV", async () => {
  await (await fetchPage("/shared")).text();
  await mf.setOptions(options); // restarts workerd: module state (the memory tier, the counter) is gone, KV stays
  const hit = await fetchPage("/shared");
  assert.equal(hit.headers.get("x-cache"), "HIT");
  assert.equal(await calls(), 0);
});
