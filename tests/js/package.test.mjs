// The npm tarball as a user gets it: `npm pack` of pkg/, installed offline into a fresh
// project, then imported unchanged as "edgecache" in Node (ESM and CommonJS require), Deno
// (npm: specifier), Bun, and workerd (a Worker bundled the way wrangler does, .wasm as a module).
// Each program uses MemoryCache, Cache over that runtime's store, and cachePage; then the same
// runtimes import "edgecache/memory" (the synchronous caches from a smaller wasm build).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { installPacked, root, program, expected, memoryProgram, memoryExpected, memoryImport, bundledWorker, distOf, deno, bun, runJson } from "./packed.mjs";

let project;
let remove;

before(() => ({ project, remove } = installPacked()));
after(() => remove?.());

const run = (cmd, args) => runJson(project, cmd, args);

test("the tarball installs with its files and conditional exports", () => {
  const files = readdirSync(join(project, "node_modules/edgecache"));
  for (const f of ["node.js", "node.cjs", "deno.js", "workerd.js", "browser.js", "index.d.ts", "edgecache_bg.wasm", "package.json"]) assert.ok(files.includes(f), f);
});

test("publish-ready: licenses, README and changelog in the tarball; repository, engines; package.json exported; npm publish --dry-run clean", () => {
  const dir = join(project, "node_modules/edgecache");
  const files = readdirSync(dir);
  for (const f of ["README.md", "CHANGELOG.md", "LICENSE-MIT", "LICENSE-APACHE"]) assert.ok(files.includes(f), f);
  // Every guide the README links to is in the tarball beside it.
  const readme = readFileSync(join(dir, "README.md"), "utf8");
  for (const [, link] of readme.matchAll(/\]\((docs\/[^)#]+\.md)\)/g)) assert.ok(existsSync(join(dir, link)), link);
  writeFileSync(join(project, "meta.cjs"), `const p = require("edgecache/package.json"); console.log(JSON.stringify([p.name, p.license, p.repository.url, p.engines.node]));`);
  const [name, license, repository, node] = run(process.execPath, ["meta.cjs"]);
  assert.equal(name, "edgecache");
  assert.equal(license, "MIT OR Apache-2.0");
  assert.match(repository, /^https:\/\//);
  assert.match(node, /^>=\d+/);
  const dry = spawnSync("npm", ["publish", "--dry-run", "--json"], { cwd: dir, encoding: "utf8" });
  assert.equal(dry.status, 0, dry.stderr);
  // Only the notice that a dry run is not logged in may warn.
  const warnings = dry.stderr.split("\n").filter((l) => /npm warn/i.test(l) && !/logged in/.test(l));
  assert.deepEqual(warnings, []);
});

test("Node, ES module: import from \"edgecache\"", () => {
  writeFileSync(join(project, "esm.mjs"), `import { MemoryCache, Cache, cachePage, stores } from "edgecache";\n${program("stores.memory()")}\nconsole.log(JSON.stringify(result));`);
  assert.deepEqual(run(process.execPath, ["esm.mjs"]), expected);
});

test("Node, bundled by esbuild --platform=node: works with edgecache external; inlined, a clear WASM_NOT_FOUND", () => {
  writeFileSync(join(project, "server.mjs"), `import { MemoryCache, Cache, cachePage, stores } from "edgecache";\n${program("stores.memory()")}\nconsole.log(JSON.stringify(result));`);
  const esbuild = join(root, "node_modules/.bin/esbuild");
  spawnSync(esbuild, ["server.mjs", "--bundle", "--platform=node", "--format=esm", "--external:edgecache", "--outfile=dist-node/external.mjs", "--log-level=error"], { cwd: project });
  assert.deepEqual(run(process.execPath, ["dist-node/external.mjs"]), expected);
  spawnSync(esbuild, ["server.mjs", "--bundle", "--platform=node", "--format=esm", "--outfile=dist-node/inlined.mjs", "--log-level=error"], { cwd: project });
  const inlined = spawnSync(process.execPath, ["dist-node/inlined.mjs"], { cwd: project, encoding: "utf8" });
  assert.notEqual(inlined.status, 0);
  assert.match(inlined.stderr, /WASM_NOT_FOUND|--external:edgecache/);
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

test("Deno: deno check of a consumer file with the real Deno.openKv()", () => {
  writeFileSync(join(project, "deno.json"), JSON.stringify({ nodeModulesDir: "manual" }));
  writeFileSync(join(project, "check.ts"), `import { Cache, MemoryCache, stores, type StoreAdapter } from "npm:edgecache";
const kv = await Deno.openKv(":memory:");
const store: StoreAdapter = stores.denoKV(kv, { prefix: ["app", "cache"] as const });
const cache = new Cache({ store, timeout: 60 });
const user: { id: number } | undefined = await cache.get<{ id: number }>("user:1");
const local = new MemoryCache({ maxEntries: 10 });
const n: number = local.incr("n");
// @ts-expect-error a store needs get, put and delete
new Cache({ store: {} });
console.log(user, n);
`);
  const out = spawnSync(deno, ["check", "check.ts"], { cwd: project, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" } });
  assert.equal(out.status, 0, out.stderr + out.stdout);
});

test("TypeScript consumers type the package through its exports: ES modules and CommonJS (module Node16)", () => {
  const tsc = join(root, "node_modules/.bin/tsc");
  const options = { strict: true, noEmit: true, module: "Node16", moduleResolution: "Node16", target: "ES2022", lib: ["ES2022", "ESNext.Disposable", "DOM"], skipLibCheck: false, types: [] };
  writeFileSync(join(project, "esm-consumer.mts"), `import { MemoryCache, Cache, stores } from "edgecache";\nconst c = new MemoryCache();\nconst n: number = c.incr("k");\nconst a = new Cache({ store: stores.memory() });\nvoid n; void a;\n`);
  writeFileSync(join(project, "cjs-consumer.cts"), `import edgecache = require("edgecache");\nconst c = new edgecache.MemoryCache();\nconst v: string | undefined = c.get<string>("k");\nimport memory = require("edgecache/memory");\nconst m = new memory.MemoryCache();\nvoid v; void m;\n`);
  writeFileSync(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions: options, files: ["esm-consumer.mts", "cjs-consumer.cts"] }));
  const out = spawnSync(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: project, encoding: "utf8" });
  assert.equal(out.status, 0, out.stdout + out.stderr);
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

const memoryRun = (body) => `${body}\nconsole.log(JSON.stringify(result));`;

test("edgecache/memory: Node import and require, one smaller wasm", () => {
  const dir = join(project, "node_modules/edgecache");
  assert.ok(statSync(join(dir, "memory/edgecache_bg.wasm")).size < statSync(join(dir, "edgecache_bg.wasm")).size * 0.75);
  writeFileSync(join(project, "memory.mjs"), `import ${memoryImport} from "edgecache/memory";\n${memoryRun(memoryProgram)}`);
  assert.deepEqual(run(process.execPath, ["memory.mjs"]), memoryExpected);
  writeFileSync(join(project, "memory.cjs"), `const ${memoryImport} = require("edgecache/memory");\n${memoryRun(memoryProgram)}`);
  assert.deepEqual(run(process.execPath, ["memory.cjs"]), memoryExpected);
  // The subpath has no async tier: the full entry's names are not there.
  writeFileSync(join(project, "names.mjs"), `import * as m from "edgecache/memory";\nconsole.log(JSON.stringify(Object.keys(m).sort()));`);
  assert.deepEqual(run(process.execPath, ["names.mjs"]), ["DummyCache", "MemoryCache", "cache", "configureCaches", "getCache", "makeTemplateFragmentKey"]);
});

test("edgecache/memory: Bun and Deno", () => {
  writeFileSync(join(project, "memory-bun.mjs"), `import ${memoryImport} from "edgecache/memory";\n${memoryRun(memoryProgram)}`);
  assert.deepEqual(run(bun, ["memory-bun.mjs"]), memoryExpected);
  writeFileSync(join(project, "deno.json"), JSON.stringify({ nodeModulesDir: "manual" }));
  writeFileSync(join(project, "memory-deno.mjs"), `import ${memoryImport} from "npm:edgecache/memory";\n${memoryRun(memoryProgram)}`);
  assert.deepEqual(run(deno, ["run", "--allow-read", "--allow-env", "memory-deno.mjs"]), memoryExpected);
});

test("edgecache/memory: a Worker bundle holds only the smaller wasm", async () => {
  writeFileSync(
    join(project, "memory-worker.mjs"),
    `import ${memoryImport} from "edgecache/memory";\nexport default { async fetch() {${memoryProgram}\nreturn Response.json(result); } };`,
  );
  const mf = bundledWorker(project, "memory-worker.mjs", []);
  try {
    const response = await mf.dispatchFetch("http://localhost/");
    assert.deepEqual(await response.json(), memoryExpected);
    const dist = distOf(project, "memory-worker.mjs");
    const wasm = readdirSync(dist).filter((f) => f.endsWith(".wasm"));
    assert.equal(wasm.length, 1);
    assert.equal(statSync(join(dist, wasm[0])).size, statSync(join(project, "node_modules/edgecache/memory/edgecache_bg.wasm")).size);
  } finally {
    await mf.dispose();
  }
});
