// The async Cache suite inside the real workerd runtime (miniflare) against its real
// Workers KV, D1 and Cache API bindings.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { Miniflare } from "miniflare";
import { workerOptions } from "./helpers.mjs";

const mf = new Miniflare(workerOptions("worker-stores.mjs", { kvNamespaces: ["KV"], d1Databases: ["DB"] }));
after(() => mf.dispose());

const get = async (path) => (await mf.dispatchFetch(`http://localhost${path}`)).json();

for (const store of ["kv", "kvBase64", "d1", "cacheApi"]) {
  test(`workerd ${store}: the async Cache suite`, async (t) => {
    const names = await get(`/cases?store=${store}`);
    assert.ok(names.length >= 17, names.join());
    for (const name of names) {
      await t.test(name, async () => {
        const result = await get(`/run?store=${store}&case=${encodeURIComponent(name)}`);
        assert.ok(result.ok, result.error);
      });
    }
  });
}

test("workerd D1: Django's database cull leaves 29 rows (18 with cullFrequency 0)", async () => {
  assert.deepEqual(await get("/cull"), { three: 29, zero: 18 });
});

test("workerd KV: 60 s minimum TTL, keys under 512 bytes, registry backend kv", async () => {
  const details = await get("/kv-details");
  assert.equal(details.isCache, true);
  assert.equal(details.long, "long");
  assert.ok(details.keyLengths.every((n) => n <= 512), details.keyLengths.join());
  // The 5 s entry got KV's 60 s minimum; the default timeout gives 300 s.
  assert.deepEqual(details.expirations.map((s) => (s === null ? null : Math.round(s / 10) * 10)).sort(), [300, 60]);
});
