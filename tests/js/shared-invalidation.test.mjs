// Tag and namespace invalidation across separate instances sharing one real store: two
// workerd isolates (miniflare) sharing a Workers KV namespace, and separate deno processes
// sharing a file-backed Deno KV.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { workerOptions } from "./helpers.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const worker = (name) => ({ name, ...workerOptions("worker-instance.mjs", { kvNamespaces: { KV: "shared-kv" } }) });
const mf = new Miniflare({ workers: [worker("a"), worker("b")] });
after(() => mf.dispose());

async function on(name, ops) {
  const w = await mf.getWorker(name);
  const response = await w.fetch("http://localhost/", { method: "POST", body: JSON.stringify(ops) });
  return response.json();
}

test("workerd: two isolates sharing a KV namespace see each other's tag invalidations", async () => {
  assert.deepEqual(await on("a", [
    { op: "set", key: "post:1", value: "p1", tags: ["posts"] },
    { op: "set", key: "about", value: "a", tags: ["pages"] },
  ]), [null, null]);
  assert.deepEqual(await on("b", [{ op: "get", key: "post:1" }, { op: "get", key: "about" }]), ["p1", "a"]);
  assert.deepEqual(await on("a", [{ op: "invalidateTags", tags: ["posts"] }, { op: "get", key: "post:1" }]), [null, null]);
  // b read the entry (and the tag's stamp) before: within localTimeout (30 s) it may still
  // serve it; after that it reads the new stamp.
  assert.deepEqual(await on("b", [{ op: "advance", seconds: 30 }, { op: "get", key: "post:1" }, { op: "get", key: "about" }]), [null, null, "a"]);
  assert.deepEqual(await on("b", [{ op: "set", key: "post:1", value: "p1b", tags: ["posts"] }]), [null]);
  assert.deepEqual(await on("a", [{ op: "get", key: "post:1" }]), ["p1b"], "a write after the invalidation is live everywhere");
});

test("workerd: a namespace invalidated in one isolate is gone in the other", async () => {
  assert.deepEqual(await on("a", [{ op: "nsSet", ns: "users", key: "7", value: "alice" }]), [null]);
  assert.deepEqual(await on("b", [{ op: "nsGet", ns: "users", key: "7" }]), ["alice"]);
  assert.deepEqual(await on("b", [{ op: "invalidateNamespace", ns: "users" }, { op: "nsGet", ns: "users", key: "7" }]), ["string", null]);
  assert.deepEqual(await on("a", [{ op: "advance", seconds: 30 }, { op: "nsGet", ns: "users", key: "7" }]), [null, null]);
});

test("deno: processes sharing a file-backed Deno KV see each other's invalidations", () => {
  const deno = join(root, "node_modules/@deno/linux-x64-glibc/deno");
  const work = mkdtempSync(join(tmpdir(), "edgecache-deno-shared-"));
  const kv = join(work, "kv.sqlite");
  const run = (ops) =>
    JSON.parse(
      execFileSync(deno, ["run", "--unstable-kv", `--allow-read=${root},${work}`, `--allow-write=${work}`, join(root, "tests/runtimes/deno-instance.mjs"), kv, JSON.stringify(ops)], {
        env: { ...process.env, DENO_DIR: join(work, "deno-dir"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
        encoding: "utf8",
      }).trim(),
    );
  try {
    run([
      { op: "set", key: "post:1", value: "p1", tags: ["posts"] },
      { op: "set", key: "about", value: "a", tags: ["pages"] },
      { op: "nsSet", ns: "users", key: "7", value: "alice" },
    ]);
    assert.deepEqual(run([{ op: "get", key: "post:1" }, { op: "nsGet", ns: "users", key: "7" }]), ["p1", "alice"]);
    run([{ op: "invalidateTags", tags: ["posts"] }, { op: "invalidateNamespace", ns: "users" }]);
    assert.deepEqual(run([{ op: "get", key: "post:1" }, { op: "get", key: "about" }, { op: "nsGet", ns: "users", key: "7" }]), [null, "a", null]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
