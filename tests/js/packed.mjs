// The npm tarball as a user gets it: `npm pack` of pkg/, installed offline into a fresh
// project directory. Returns { project, remove() }.
import { execFileSync, spawn } from "node:child_process";
import { Miniflare } from "miniflare";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../../", import.meta.url));
/** The runtimes the package tests run besides Node, from the npm dev dependencies. */
export const deno = join(root, "node_modules/@deno/linux-x64-glibc/deno");
export const bun = join(root, "node_modules/@oven/bun-linux-x64/bin/bun");

/** Runs `cmd args` in `project`; its last line of output, parsed as JSON. */
export const runJson = (project, cmd, args) => JSON.parse(execFileSync(cmd, args, { cwd: project, encoding: "utf8" }).trim().split("\n").pop());

export function installPacked() {
  const out = mkdtempSync(join(tmpdir(), "edgecache-pack-"));
  const name = execFileSync("npm", ["pack", "--silent", "--pack-destination", out], { cwd: join(root, "pkg"), encoding: "utf8" }).trim().split("\n").pop();
  const project = join(out, "app");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--silent", join(out, name)], { cwd: project });
  return { project, remove: () => rmSync(out, { recursive: true, force: true }) };
}

/** The program every runtime runs (MemoryCache, a Cache over `store`, cachePage); sets `result`. */
export const program = (store) => `
const memory = new MemoryCache({ maxEntries: 2, cullFrequency: 2 });
memory.set("a", { n: 1 });
memory.set("b", 2);
memory.set("c", 3);
const cache = new Cache({ store: ${store} });
await cache.set("k", [1, "two"]);
let calls = 0;
const page = cachePage(() => new Response("page #" + ++calls), { timeout: 60, cache: new MemoryCache(), cacheStatusHeader: "X-Cache" });
await (await page(new Request("https://site.test/p"))).text();
const hit = await page(new Request("https://site.test/p"));
const result = {
  culled: memory.size,
  stored: await cache.get("k"),
  page: [hit.headers.get("x-cache"), await hit.text()],
  stores: Object.keys(stores).length > 5,
};`;

/** What `program` computes in every runtime. */
export const expected = { culled: 2, stored: [1, "two"], page: ["HIT", "page #1"], stores: true };

/** The program of `edgecache/memory` (the synchronous caches only); sets `result`. */
export const memoryProgram = `
const memory = new MemoryCache({ maxEntries: 2, cullFrequency: 2 });
memory.set("a", { n: [1, 2n, new Map([["k", new Date(0)]])] });
const copy = memory.get("a");
memory.set("b", 2);
memory.set("c", 3);
const ns = memory.namespace("users");
ns.set("u", "x");
memory.invalidateNamespace("users");
configureCaches({ default: { backend: "memory", keyPrefix: "site" }, off: { backend: "dummy" } });
cache.set("k", 7);
let kv;
try { configureCaches({ default: { backend: "kv", store: {} } }); } catch (e) { kv = e.code; }
const result = {
  copy: [copy.n[1] === 2n, copy.n[2].get("k") instanceof Date],
  culled: memory.size,
  namespace: ns.get("u") ?? null,
  defaultCache: [cache.get("k"), getCache("default").makeKey("k"), getCache("off").get("k") ?? null],
  fragment: makeTemplateFragmentKey("sidebar", ["en", 3]),
  kv,
  getOrSet: memory.getOrSet("z", () => "made"),
};`;

/** What `memoryProgram` computes in every runtime (the fragment key is Django's). */
export const memoryExpected = {
  copy: [true, true],
  culled: 2,
  namespace: null,
  defaultCache: [7, "site:1:k", null],
  fragment: "template.cache.sidebar.2c757f8cd8a378ba149b277c4f52438b",
  kv: "UNKNOWN_BACKEND",
  getOrSet: "made",
};

/** The import line of `memoryProgram` as a user writes it. */
export const memoryImport = "{ MemoryCache, configureCaches, getCache, cache, makeTemplateFragmentKey }";

/** The folder `bundledWorker` writes the bundle of `file` to. */
export const distOf = (project, file) => join(project, "dist", file.replace(/\.m?js$/, ""));

/**
 * A Worker from `file` in `project`, built as wrangler does (esbuild with the workerd
 * condition, .wasm imports kept as modules), running in miniflare with `kv` namespaces.
 */
export function bundledWorker(project, file, kv, extra = {}) {
  const dist = distOf(project, file);
  execFileSync(join(root, "node_modules/.bin/esbuild"), [file, "--bundle", "--format=esm", "--conditions=workerd,worker", "--external:cloudflare:*", "--loader:.wasm=copy", `--outdir=${dist}`, "--log-level=warning"], { cwd: project });
  return new Miniflare({
    modules: true,
    modulesRoot: dist,
    scriptPath: join(dist, file.replace(/\.m?js$/, ".js")),
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2026-04-01",
    kvNamespaces: kv,
    ...extra,
  });
}

/** A Hono Worker from `file` in `project` (hono installed beside it) over the KV namespace `CACHE`. */
export function honoWorker(project, file) {
  // From the dev dependency's folder: an install by name needs registry metadata that a
  // fresh machine's npm cache does not hold offline.
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--silent", "--install-links", join(root, "node_modules/hono")], { cwd: project });
  return bundledWorker(project, file, ["CACHE"]);
}

/** GET of `/products/7` twice from `get`: a MISS, then the same JSON as a HIT. */
export async function productMissThenHit(get, assert) {
  const miss = await get("/products/7");
  assert.equal(miss.headers.get("x-cache"), "MISS");
  const page = await miss.json();
  const hit = await get("/products/7");
  assert.equal(hit.headers.get("x-cache"), "HIT");
  assert.deepEqual(await hit.json(), page, "the same render");
}

/** Starts a server in `project`; resolves to [its URL, the child] once it says where it listens. */
export async function startServer(project, cmd, args, env = {}) {
  const child = spawn(cmd, args, { cwd: project, env: { ...process.env, PORT: "0", ...env } });
  let output = "";
  const url = await new Promise((resolve, reject) => {
    const seen = (d) => {
      output += d;
      const m = /listening on (http:\/\/\S+?)\/?\s/i.exec(output);
      if (m) resolve(m[1].replace("0.0.0.0", "127.0.0.1"));
    };
    child.stdout.on("data", seen);
    child.stderr.on("data", seen);
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${output}`)));
  });
  return [url, child];
}

/**
 * Runs `file` of `project` as `deno run --unstable-kv --allow-net --allow-env` (the flags the
 * README gives) plus read and write of the one folder Deno KV keeps its file in, calls
 * `use(url)`, then stops it.
 */
export async function withDenoServer(project, file, use) {
  writeFileSync(join(project, "deno.json"), JSON.stringify({ nodeModulesDir: "manual" }));
  const denoDir = mkdtempSync(join(tmpdir(), "edgecache-deno-"));
  const args = ["run", "--unstable-kv", "--allow-net", "--allow-env", `--allow-read=${denoDir}`, `--allow-write=${denoDir}`, file];
  const [url, child] = await startServer(project, deno, args, { DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: "1" });
  try {
    return await use(url);
  } finally {
    child.kill();
    rmSync(denoDir, { recursive: true, force: true });
  }
}
