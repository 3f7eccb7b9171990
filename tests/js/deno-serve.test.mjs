// cachePage in the real deno binary behind Deno.serve, over real HTTP on loopback.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const deno = join(root, "node_modules/@deno/linux-x64-glibc/deno");

test("Deno.serve: miss, hit, Vary, another path", () => {
  const dir = mkdtempSync(join(tmpdir(), "deno-serve-"));
  try {
    const out = execFileSync(deno, ["run", `--allow-read=${root}`, "--allow-net=127.0.0.1", join(root, "tests/runtimes/deno-serve.mjs")], {
      env: { ...process.env, DENO_DIR: dir, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      encoding: "utf8",
    });
    const { results, calls } = JSON.parse(out.trim().split("\n").pop());
    assert.deepEqual(results, [
      { status: "MISS", body: "hello /a #1" },
      { status: "HIT", body: "hello /a #1" },
      { status: "MISS", body: "hello /a #2" },
      { status: "MISS", body: "hello /b #3" },
    ]);
    assert.equal(calls, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
