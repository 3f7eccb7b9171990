// Every code block of README.md and docs/*.md is either run here or marked as a fragment: its
// fence says `js fragment` (part of a larger program) or `js run=<name>`, and each name is run
// below as written, in its runtime, against the packed tarball installed as a user would.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { honoWorker, installPacked, productMissThenHit, root, startServer, withDenoServer } from "./packed.mjs";
import { workerOptions } from "./helpers.mjs";

const files = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
/** Every fenced block: { file, line, info, code }. */
const blocks = files.flatMap((file) => {
  const out = [];
  const lines = readFileSync(join(root, file), "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith("```")) continue;
    const start = i;
    while (++i < lines.length && !lines[i].startsWith("```"));
    out.push({ file, line: start + 1, info: lines[start].slice(3).trim(), code: lines.slice(start + 1, i).join("\n") });
  }
  return out;
});
const runs = new Map(blocks.flatMap((b) => {
  const name = /\brun=(\S+)/.exec(b.info)?.[1];
  return name === undefined ? [] : [[name, b.code]];
}));
/** The block named `name`, its "edgecache" imports as they are (run in a project that has it). */
const code = (name) => {
  assert.ok(runs.has(name), `a block marked run=${name}`);
  return runs.get(name);
};
const ran = new Set();

test("every code block is run here or marked as a fragment", () => {
  const bad = blocks.filter((b) => !/\bfragment\b/.test(b.info) && !/\brun=\S+/.test(b.info));
  assert.deepEqual(bad.map((b) => `${b.file}:${b.line} \`\`\`${b.info}`), [], "blocks neither run nor marked");
  const names = blocks.flatMap((b) => /\brun=(\S+)/.exec(b.info)?.[1] ?? []);
  assert.equal(new Set(names).size, names.length, "each run= name once");
});

let project;
let remove;
before(() => ({ project, remove } = installPacked()));
after(() => remove?.());

const node = (source) => {
  const file = join(project, `block-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, source);
  return execFileSync(process.execPath, [file], { cwd: project, encoding: "utf8" });
};

/** A page fetched twice: rendered, then the same render from the cache (X-Cache). */
async function missThenHit(url) {
  const miss = await fetch(`${url}/x`);
  const first = await miss.text();
  assert.equal(miss.headers.get("x-cache"), "MISS");
  const hit = await fetch(`${url}/x`);
  assert.equal(await hit.text(), first, "the same render");
  assert.equal(hit.headers.get("x-cache"), "HIT");
  return first;
}

test("run=quickstart (Node): runs as written and leaves what its comments say", () => {
  ran.add("quickstart");
  node(`${code("quickstart")}
const same = (got, want, what) => { if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(what + ": " + JSON.stringify(got)); };
same(cache.get("user:42"), { name: "Ada", roles: ["admin"] }, "user:42");
same(cache.get("missing", "fallback"), "fallback", "fallback");
same(cache.get("answer"), 42, "getOrSet");
same(cache.add("lock", 1, 5), false, "add while there");
same(cache.get("hits"), 1, "incr");`);
});

test("run=memory-entry (Node): edgecache/memory prints what its comments say", () => {
  ran.add("memory-entry");
  const lines = node(code("memory-entry")).trim().split("\n");
  assert.match(lines[0], /^\{ id: 1, name: 'Ada', roles: \[ 'admin' \] \}$/);
  assert.match(lines[1], /^template\.cache\.sidebar\.[0-9a-f]{32}$/);
  assert.equal(lines[2], "UNKNOWN_BACKEND");
});

test("run=node-server (Node): a page rendered once, then served from the cache", async () => {
  ran.add("node-server");
  writeFileSync(join(project, "node-server.mjs"), code("node-server"));
  const [url, child] = await startServer(project, process.execPath, ["node-server.mjs"]);
  try {
    assert.match(await missThenHit(url), /^hello \/x, rendered at \d+$/);
  } finally {
    child.kill();
  }
});

test("run=deno-kv (Deno): Deno.serve with pages in Deno KV, with the flags the README gives", async () => {
  ran.add("deno-kv");
  writeFileSync(join(project, "deno-kv.js"), code("deno-kv"));
  await withDenoServer(project, "deno-kv.js", async (url) => assert.match(await missThenHit(url), /^hello \/x at \d+$/));
});

test("run=worker-hono (workerd): cached pages, one origin call, a tag invalidated", async () => {
  ran.add("worker-hono");
  writeFileSync(join(project, "worker-hono.js"), code("worker-hono"));
  const mf = honoWorker(project, "worker-hono.js");
  try {
    const get = (path, init) => mf.dispatchFetch(`http://shop.test${path}`, init);
    await productMissThenHit(get, assert);
    const rates = await Promise.all([1, 2, 3].map(() => get("/api/rates").then((r) => r.json())));
    assert.equal(new Set(rates.map((r) => r.at)).size, 1, "one origin call for concurrent requests");
    assert.equal(await (await get("/admin/products-changed", { method: "POST" })).text(), "invalidated");
    const after = await get("/products/7");
    assert.equal(after.headers.get("x-cache"), "MISS", "the tag invalidated the page");
    await after.body?.cancel();
  } finally {
    await mf.dispose();
  }
});

test("run=sessions-worker (workerd): sign in, then the session is there", async () => {
  ran.add("sessions-worker");
  const file = `${root}tests/runtimes/docs-sessions.gen.mjs`;
  writeFileSync(file, code("sessions-worker").replace(`from "edgecache"`, `from "../../pkg/workerd.js"`));
  const mf = new Miniflare(workerOptions("docs-sessions.gen.mjs", { kvNamespaces: ["SESSIONS"] }));
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

test("each block marked run= was run by a test above", () => {
  assert.deepEqual([...runs.keys()].filter((n) => !ran.has(n)), [], "run= blocks without a test");
});
