// The examples of examples/, run against the packed tarball as a user would: the Worker
// bundled as wrangler does under workerd with a KV binding, the Node server as a process.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { installPacked, root, bundledWorker } from "./packed.mjs";

let project;
let remove;
before(() => ({ project, remove } = installPacked()));
after(() => remove?.());

test("examples/worker.js: pages cached in Workers KV", async () => {
  copyFileSync(join(root, "examples/worker.js"), join(project, "worker.js"));
  const mf = await bundledWorker(project, "worker.js", ["PAGES"]);
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

test("examples/node-server.js: a cached page over node:http", async () => {
  copyFileSync(join(root, "examples/node-server.js"), join(project, "node-server.js"));
  const child = spawn(process.execPath, ["node-server.js"], { cwd: project, env: { ...process.env, PORT: "0" } });
  try {
    const url = await new Promise((resolve, reject) => {
      child.stdout.on("data", (d) => {
        const m = /listening on (\S+)/.exec(String(d));
        if (m) resolve(m[1]);
      });
      child.on("exit", (code) => reject(new Error(`exited ${code}`)));
    });
    const miss = await fetch(`${url}/x`);
    const first = await miss.text();
    assert.equal(miss.headers.get("age"), null);
    const second = await fetch(`${url}/x`);
    assert.equal(await second.text(), first, "the same render");
    assert.notEqual(second.headers.get("age"), null, "served from the cache");
    assert.match(first, /^hello \/x, rendered at /);
    assert.match(second.headers.get("cache-control"), /max-age=60/);
  } finally {
    child.kill();
  }
});
