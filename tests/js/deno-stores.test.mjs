// The async Cache suite inside the real deno binary against real Deno KV (in memory and
// file-backed), a real directory and a real memcached.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startMemcached } from "./memcached-server.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const deno = join(root, "node_modules/@deno/linux-x64-glibc/deno");
const work = mkdtempSync(join(tmpdir(), "edgecache-deno-"));
const memcached = await startMemcached();
const out = execFileSync(deno, ["run", "--unstable-kv", `--allow-read=${root},${work}`, `--allow-write=${work}`, `--allow-net=${memcached.address}`, join(root, "tests/runtimes/deno-stores.mjs"), join(work, "kv.sqlite"), join(work, "files"), memcached.address], {
  env: { ...process.env, DENO_DIR: join(work, "deno-dir"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
  encoding: "utf8",
  maxBuffer: 16 * 1024 * 1024,
});
rmSync(work, { recursive: true, force: true });
await memcached.stop();
const report = JSON.parse(out.trim().split("\n").pop());

for (const [store, results] of Object.entries(report.results)) {
  test(`deno ${store}: the async Cache suite`, async (t) => {
    assert.ok(results.length >= 18);
    for (const r of results) await t.test(r.name, () => assert.ok(r.ok, r.error));
  });
}

test("deno KV: a 200 KB value is chunked under the 64 KiB limit and read back", () => {
  assert.equal(report.big, true);
  assert.ok(report.largest <= 65_536, `largest record ${report.largest}`);
  assert.ok(report.records >= 4, `records ${report.records}`);
});
