// The wasm's random source (hash seeds, jitter, session keys) in Node: read from /dev/urandom by
// the loader, so start-up does not load WebCrypto (~3 ms); WebCrypto where the file cannot be read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const pkg = fileURLToPath(new URL("../../pkg/", import.meta.url));

/** Runs `code` as a fresh ES module process (after `preload`, CommonJS) and parses its JSON. */
function fresh(code, preload = "") {
  const args = preload ? ["-r", preload] : [];
  return JSON.parse(execFileSync(process.execPath, [...args, "--input-type=module", "-e", code], { encoding: "utf8" }));
}

// Two session keys from the glue the loader instantiated, and whether WebCrypto was loaded.
const program = `
import { MemoryCache } from "${pkg}node.js";
import { __newSessionKey } from "${pkg}edgecache.js";
const c = new MemoryCache();
c.set("k", { a: 1 });
const keys = [__newSessionKey(), __newSessionKey()];
const webcrypto = process.moduleLoadList.some((m) => m.includes("crypto/webcrypto"));
console.log(JSON.stringify({ got: c.get("k"), keys, webcrypto }));`;

test("Node: the random source is /dev/urandom, not WebCrypto, and its keys differ", () => {
  const a = fresh(program);
  const b = fresh(program);
  assert.deepEqual(a.got, { a: 1 });
  assert.equal(a.webcrypto, false, "the loader loaded WebCrypto");
  const keys = [...a.keys, ...b.keys];
  for (const key of keys) assert.match(key, /^[a-z0-9]{32}$/);
  assert.equal(new Set(keys).size, 4, "session keys repeat across or within processes");
});

test("Node: where /dev/urandom cannot be opened, WebCrypto stands in", () => {
  // Opening the file fails (as on Windows); the ES module bindings of node:fs follow the patch.
  const preload = fileURLToPath(new URL("./fixtures/no-urandom.cjs", import.meta.url));
  const a = fresh(program, preload);
  const b = fresh(program, preload);
  assert.deepEqual(a.got, { a: 1 });
  assert.equal(a.webcrypto, true);
  assert.equal(new Set([...a.keys, ...b.keys]).size, 4);
});
