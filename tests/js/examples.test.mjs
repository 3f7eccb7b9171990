// The examples of examples/, run against the packed tarball as a user would: the Worker
// bundled as wrangler does under workerd with a KV binding, the Node server as a process.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installPacked, root, bundledWorker } from "./packed.mjs";

let project;
let remove;
before(() => ({ project, remove } = installPacked()));
after(() => remove?.());

test("examples/worker.js: pages cached in Workers KV", async () => {
  copyFileSync(join(root, "examples/worker.js"), join(project, "worker.js"));
  const mf = bundledWorker(project, "worker.js", ["PAGES"]);
  try {
    const first = await mf.dispatchFetch("http://site.test/about");
    assert.equal(await first.text(), "<h1>/about</h1>");
    assert.equal(first.headers.get("age"), null);
    const second = await mf.dispatchFetch("http://site.test/about");
    assert.equal(await second.text(), "<h1>/about</h1>");
    assert.notEqual(second.headers.get("age"), null, "served from the cache");
    const kv = await mf.getKVNamespace("PAGES");
    assert.ok((await kv.list()).keys.some((k) => k.name.startsWith("pages:")));
  } finally {
    await mf.dispose();
  }
});

/** Starts a server example; resolves to [its URL, the child process]. */
async function start(cmd, args, env = {}) {
  const child = spawn(cmd, args, { cwd: project, env: { ...process.env, PORT: "0", ...env } });
  const url = await new Promise((resolve, reject) => {
    const seen = (d) => {
      const m = /listening on (http:\/\/\S+?)\/?\s/i.exec(String(d));
      if (m) resolve(m[1].replace("0.0.0.0", "127.0.0.1"));
    };
    child.stdout.on("data", seen);
    child.stderr.on("data", seen);
    child.on("exit", (code) => reject(new Error(`exited ${code}`)));
  });
  return [url, child];
}

/** A miss then a hit of the same render (the hit carries Age). */
async function missThenHit(url) {
  const miss = await fetch(`${url}/x`);
  const first = await miss.text();
  assert.equal(miss.headers.get("age"), null);
  const second = await fetch(`${url}/x`);
  assert.equal(await second.text(), first, "the same render");
  assert.notEqual(second.headers.get("age"), null, "served from the cache");
  return first;
}

test("examples/deno-serve.js: Deno.serve with pages in Deno KV", async () => {
  copyFileSync(join(root, "examples/deno-serve.js"), join(project, "deno-serve.js"));
  writeFileSync(join(project, "deno.json"), JSON.stringify({ nodeModulesDir: "manual" }));
  const denoDir = mkdtempSync(join(tmpdir(), "edgecache-deno-"));
  const deno = join(root, "node_modules/@deno/linux-x64-glibc/deno");
  const [url, child] = await start(deno, ["run", "--unstable-kv", "--allow-net", "--allow-env", `--allow-read`, `--allow-write=${denoDir}`, "deno-serve.js"], { DENO_DIR: denoDir });
  try {
    assert.match(await missThenHit(url), /^hello \/x at \d+$/);
  } finally {
    child.kill();
    rmSync(denoDir, { recursive: true, force: true });
  }
});

test("examples/node-server.js: a cached page over node:http", async () => {
  copyFileSync(join(root, "examples/node-server.js"), join(project, "node-server.js"));
  const [url, child] = await start(process.execPath, ["node-server.js"]);
  try {
    assert.match(await missThenHit(url), /^hello \/x, rendered at /);
  } finally {
    child.kill();
  }
});
