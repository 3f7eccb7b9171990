// The package inside the real workerd runtime (miniflare), imported as a bundled Worker does.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { Miniflare } from "miniflare";
import { workerOptions } from "./helpers.mjs";

const mf = new Miniflare(workerOptions("worker.mjs"));
after(() => mf.dispose());

test("MemoryCache works inside workerd", async () => {
  const res = await mf.dispatchFetch("http://localhost/");
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), {
    key: "w:1:obj",
    date: "1970-01-01T00:00:00.000Z",
    big: "2",
    bytes: [1, 2, 3],
    isU8: true,
    culled: 29,
    proxy: "via proxy",
    proxyKey: "edge:1:k",
    same: true,
  });
});

test("module-level caches persist across requests in one isolate", async () => {
  const counts = [];
  for (let i = 0; i < 3; i++) counts.push((await (await mf.dispatchFetch("http://localhost/count")).json()).count);
  assert.deepEqual(counts, [1, 2, 3]);
});
