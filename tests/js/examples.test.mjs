// The examples of examples/, run against the packed tarball as a user would: the Worker and
// the Hono app bundled as wrangler does under workerd with a KV binding, the Deno and Node
// servers as processes, the service worker in Chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { chromium } from "playwright-core";
import { installPacked, root, bundledWorker, honoWorker, productMissThenHit, startServer, withDenoServer } from "./packed.mjs";
import { chromiumOptions, serve } from "./static-server.mjs";

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
  await withDenoServer(project, "deno-serve.js", async (url) => assert.match(await missThenHit(url), /^hello \/x at \d+$/));
});

test("examples/node-server.js: a cached page over node:http", async () => {
  copyFileSync(join(root, "examples/node-server.js"), join(project, "node-server.js"));
  const [url, child] = await startServer(project, process.execPath, ["node-server.js"]);
  try {
    assert.match(await missThenHit(url), /^hello \/x, rendered at /);
  } finally {
    child.kill();
  }
});

test("examples/hono-app.js: a Hono app with cached, tagged pages in Workers KV and a session cart", async () => {
  copyFileSync(join(root, "examples/hono-app.js"), join(project, "hono-app.js"));
  const mf = honoWorker(project, "hono-app.js");
  try {
    const get = (path, init) => mf.dispatchFetch(`http://shop.test${path}`, init);
    await productMissThenHit(get, assert);
    assert.equal(await (await get("/admin/prices", { method: "POST" })).text(), "product pages invalidated");
    const after = await get("/products/7");
    assert.equal(after.headers.get("x-cache"), "MISS", "the tag invalidated the page");
    await after.body?.cancel();

    const added = await get("/cart/3", { method: "POST" });
    assert.deepEqual(await added.json(), { cart: [3] });
    const cookie = added.headers.get("set-cookie").split(";")[0];
    assert.match(cookie, /^sessionid=[a-z0-9]{32}$/);
    await (await get("/cart/5", { method: "POST", headers: { cookie } })).body?.cancel();
    assert.deepEqual(await (await get("/cart/", { headers: { cookie } })).json(), { cart: [3, 5] });
    assert.deepEqual(await (await get("/cart/")).json(), { cart: [] }, "another visitor has an empty cart");
    const kv = await mf.getKVNamespace("CACHE");
    const names = (await kv.list()).keys.map((k) => k.name);
    assert.ok(names.some((n) => n.startsWith("shop:")), names.join());
  } finally {
    await mf.dispose();
  }
});

test("examples/service-worker.js: pages answered from IndexedDB by a service worker in Chromium", async () => {
  const site = mkdtempSync(join(tmpdir(), "edgecache-sw-"));
  cpSync(join(root, "pkg"), join(site, "pkg"), { recursive: true });
  copyFileSync(join(root, "examples/service-worker.js"), join(site, "sw.js"));
  writeFileSync(join(site, "index.html"), `<!doctype html><script type="module">
    await navigator.serviceWorker.register("/sw.js", { type: "module" });
    if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener("controllerchange", r, { once: true }));
    document.body.dataset.ready = "true";
  </script>`);
  writeFileSync(join(site, "about.html"), "<h1>about</h1>");
  const server = await serve({ dir: site });
  const browser = await chromium.launch(chromiumOptions);
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForSelector("body[data-ready=true]", { state: "attached", timeout: 20_000 });
    const status = () => page.evaluate(async () => {
      const response = await fetch("/about.html");
      return [response.headers.get("x-cache"), await response.text()];
    });
    assert.deepEqual(await status(), ["MISS", "<h1>about</h1>"]);
    assert.deepEqual(await status(), ["HIT", "<h1>about</h1>"]);
    await server.close(); // the origin is gone: the worker still answers from IndexedDB
    assert.deepEqual(await status(), ["HIT", "<h1>about</h1>"]);
  } finally {
    await browser.close();
    await server.close().catch(() => {});
    rmSync(site, { recursive: true, force: true });
  }
});

test("examples/django-products.js: a Worker reads the products a real Django caches in memcached", async () => {
  const { startMemcached } = await import("./memcached-server.mjs");
  const { createServer } = await import("node:http");
  const memcached = await startMemcached();
  // The Django origin: the real Django caches product 1 (as the app's view would); the
  // origin server answers what the cache does not hold.
  const program = `
import decimal, sys, django
from django.conf import settings
settings.configure(CACHES={"default": {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache", "LOCATION": sys.argv[1]}})
django.setup()
from django.core.cache import cache
cache.set("product:1", {"id": 1, "name": "Teapot", "price": decimal.Decimal("19.90"), "tags": ["kitchen"]}, 600)`;
  execFileSync(join(root, ".venv/bin/python"), ["-c", program, memcached.address]);
  const origin = createServer((request, response) => response.end(`origin ${request.url}`));
  await new Promise((resolve) => origin.listen(0, "127.0.0.1", resolve));
  copyFileSync(join(root, "examples/django-products.js"), join(project, "django-products.js"));
  const mf = bundledWorker(project, "django-products.js", [], {
    bindings: { MEMCACHED_SERVERS: memcached.address, DJANGO_ORIGIN: `http://127.0.0.1:${origin.address().port}` },
  });
  try {
    const hit = await mf.dispatchFetch("http://shop.test/products/1");
    assert.equal(hit.headers.get("x-cache"), "HIT");
    assert.deepEqual(await hit.json(), { id: 1, name: "Teapot", price: "19.90", tags: ["kitchen"] });
    const miss = await mf.dispatchFetch("http://shop.test/products/2");
    assert.equal(await miss.text(), "origin /products/2");
  } finally {
    await mf.dispose();
    await new Promise((resolve) => origin.close(resolve));
    await memcached.stop();
  }
});
