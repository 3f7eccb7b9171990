// The package inside the real deno binary (npm @deno/linux-x64-glibc).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const deno = join(root, "node_modules/@deno/linux-x64-glibc/deno");

test("MemoryCache works inside deno", () => {
  const out = execFileSync(deno, ["run", `--allow-read=${root}`, join(root, "tests/runtimes/deno.mjs")], {
    env: { ...process.env, DENO_DIR: mkdtempSync(join(tmpdir(), "deno-")), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    encoding: "utf8",
  });
  const result = JSON.parse(out.trim().split("\n").pop());
  assert.match(result.runtime, /^deno 2\./);
  assert.deepEqual(result.map, ["1"]);
  assert.equal(result.incr, 42);
  assert.equal(result.size, expectedSize());
  assert.equal(result.proxy, "proxy");
});

test("deno run without --allow-read: the wasm is imported as a module", () => {
  // No permission flag at all: a read of the wasm file (or anything) would be refused.
  const out = execFileSync(deno, ["run", join(root, "tests/runtimes/deno.mjs")], {
    env: { ...process.env, DENO_DIR: mkdtempSync(join(tmpdir(), "deno-")), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    encoding: "utf8",
  });
  const result = JSON.parse(out.trim().split("\n").pop());
  assert.equal(result.incr, 42);
  assert.equal(result.size, expectedSize());
});

function expectedSize() {
  // The same 51 writes through Django's rule: cull len/3 whenever len >= maxEntries (30).
  let len = 0;
  for (let i = 0; i < 1 + 49 + 1; i++) {
    if (len >= 30) len -= Math.floor(len / 3);
    len += 1;
  }
  return len;
}
