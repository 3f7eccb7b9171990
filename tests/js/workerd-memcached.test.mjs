// stores.memcached inside workerd (miniflare): the async Cache suite through cloudflare:sockets
// to a real memcached on loopback, and one adapter shared by the isolate's requests.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Miniflare } from "miniflare";
import { workerOptions } from "./helpers.mjs";
import { startMemcached } from "./memcached-server.mjs";

let server, mf;
before(async () => {
  server = await startMemcached();
  mf = new Miniflare(workerOptions("worker-memcached.mjs", { bindings: { MEMCACHED: server.address } }));
});
after(async () => {
  await mf?.dispose();
  await server?.stop();
});

const get = async (path) => (await mf.dispatchFetch(`http://localhost${path}`)).json();

test("workerd memcached: the async Cache suite", async (t) => {
  const names = await get("/cases");
  assert.ok(names.length >= 17, names.join());
  for (const name of names) {
    await t.test(name, async () => {
      const result = await get(`/run?case=${encodeURIComponent(name)}`);
      assert.ok(result.ok, result.error);
    });
  }
});

test("workerd memcached: one adapter across requests reconnects, never marks the server down", async () => {
  for (let n = 1; n <= 4; n++) {
    const r = await get(`/shared?n=${n}`);
    assert.equal(r.got, n);
    if (n > 1) assert.equal(r.previous, n - 1);
    assert.equal(r.errors, 0);
    assert.equal(r.stats.deadServers, 0, JSON.stringify(r.stats));
  }
});
