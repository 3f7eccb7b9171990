// The README's Quick start runs as written: its code block, with "edgecache" resolved to the
// built package, in a fresh Node process; the comments' results are checked too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const readme = readFileSync(`${root}README.md`, "utf8");

/** The first ```js block after `heading`. */
function block(heading) {
  const at = readme.indexOf(heading);
  assert.ok(at >= 0, heading);
  const match = /```js\n([\s\S]*?)```/.exec(readme.slice(at));
  return match[1];
}

test("README Quick start runs as written and leaves what its comments say", () => {
  const code = block("## Quick start").replace(`from "edgecache"`, `from "${root}pkg/node.mjs"`);
  const checks = `
const same = (got, want, what) => { if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(what + ": " + JSON.stringify(got)); };
same(cache.get("user:42"), { name: "Ada", roles: ["admin"] }, "user:42");
same(cache.get("missing", "fallback"), "fallback", "fallback");
same(cache.get("answer"), 42, "getOrSet");
same(cache.add("lock", 1, 5), false, "add while there");
same(cache.get("hits"), 1, "incr");`;
  execFileSync(process.execPath, ["--input-type=module", "-e", code + checks], { encoding: "utf8" });
});

test("README sessions snippet runs in workerd as written: sign in, then the session is there", async () => {
  const { Miniflare } = await import("miniflare");
  const { workerOptions } = await import("./helpers.mjs");
  const { writeFileSync, rmSync } = await import("node:fs");
  const file = `${root}tests/runtimes/readme-sessions.gen.mjs`;
  writeFileSync(file, block("## Sessions").replace(`from "edgecache"`, `from "../../pkg/workerd.js"`));
  const mf = new Miniflare(workerOptions("readme-sessions.gen.mjs", { kvNamespaces: ["SESSIONS"] }));
  try {
    const login = await mf.dispatchFetch("http://site.test/login");
    assert.equal(await login.text(), "hello ann");
    const cookie = login.headers.get("set-cookie").split(";")[0];
    const again = await mf.dispatchFetch("http://site.test/", { headers: { cookie } });
    assert.equal(await again.text(), "hello ann");
    assert.equal(await (await mf.dispatchFetch("http://site.test/")).text(), "hello anonymous");
  } finally {
    await mf.dispose();
    rmSync(file, { force: true });
  }
});
