// The npm tarball as a user gets it: `npm pack` of pkg/, installed offline into a fresh
// project, then imported unchanged as "edgecache" in Node (ESM and CommonJS require), Deno
// (npm: specifier), Bun, and workerd (a Worker bundled the way wrangler does, .wasm as a module).
// Each program uses MemoryCache, Cache over that runtime's store, and cachePage.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { installPacked, program, expected, bundledWorker, deno, bun, runJson } from "./packed.mjs";

let project;
let remove;

before(() => ({ project, remove } = installPacked()));
after(() => remove?.());

const run = (cmd, args) => runJson(project, cmd, args);

test("the tarball installs with its files and conditional exports", () => {
  const files = readdirSync(join(project, "node_modules/edgecache"));
  for (const f of ["node.js", "node.cjs", "deno.js", "workerd.js", "browser.js", "index.d.ts", "edgecache_bg.wasm", "package.json"]) assert.ok(files.includes(f), f);
});

test("Node, ES module: import from \"edgecache\"", () => {
  writeFileSync(join(project, "esm.mjs"), `import { MemoryCache, Cache, cachePage, stores } from "edgecache";\n${program("stores.memory()")}\nconsole.log(JSON.stringify(result));`);
  assert.deepEqual(run(process.execPath, ["esm.mjs"]), expected);
});

test("Node, CommonJS: require(\"edgecache\")", () => {
  const body = program("stores.memory()");
  writeFileSync(join(project, "cjs.cjs"), `const { MemoryCache, Cache, cachePage, stores } = require("edgecache");\n(async () => {${body}\nconsole.log(JSON.stringify(result));})();`);
  assert.deepEqual(run(process.execPath, ["cjs.cjs"]), expected);
});

test("Bun: import from \"edgecache\"", () => {
  writeFileSync(join(project, "bun.mjs"), `import { MemoryCache, Cache, cachePage, stores } from "edgecache";\n${program("stores.memory()")}\nconsole.log(JSON.stringify(result));`);
  assert.deepEqual(run(bun, ["bun.mjs"]), expected);
});

test("Deno: the npm: specifier, over Deno KV", () => {
  writeFileSync(join(project, "deno.json"), JSON.stringify({ nodeModulesDir: "manual" }));
  writeFileSync(join(project, "deno.mjs"), `import { MemoryCache, Cache, cachePage, stores } from "npm:edgecache";\n${program("stores.denoKV(await Deno.openKv(':memory:'))")}\nconsole.log(JSON.stringify(result));`);
  assert.deepEqual(run(deno, ["run", "--unstable-kv", "--allow-read", "--allow-env", "deno.mjs"]), expected);
});

test("workerd: a Worker bundled as wrangler does, over Workers KV", async () => {
  writeFileSync(
    join(project, "worker.mjs"),
    `import { MemoryCache, Cache, cachePage, stores } from "edgecache";\nexport default { async fetch(request, env) {${program("stores.cloudflareKV(env.KV)")}\nreturn Response.json(result); } };`,
  );
  const mf = bundledWorker(project, "worker.mjs", ["KV"]);
  try {
    const response = await mf.dispatchFetch("http://localhost/");
    assert.deepEqual(await response.json(), expected);
  } finally {
    await mf.dispose();
  }
});
