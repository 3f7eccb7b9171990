// The demo server: www/ at /, the built package at /pkg/, uPlot at /vendor/, a small slow
// origin API at /api/ for the service-worker page, and /edge/a/... and /edge/b/... answered by
// two workerd isolates (miniflare) of www/edge/worker.js sharing one Workers KV namespace.
// `node www/serve.mjs` listens on PORT (default 8080); tests import startDemo() and listen on
// a free port.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";

const root = fileURLToPath(new URL("..", import.meta.url));
const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".gz": "application/gzip",
  ".png": "image/png",
  ".ts": "text/plain; charset=utf-8",
};
const folders = { "/pkg/": "pkg", "/vendor/": "node_modules/uplot/dist", "/": "www" };

/** The file a path names, or null outside the served folders. */
function resolve(pathname) {
  if (pathname === "/") pathname = "/index.html";
  const [prefix, dir] = Object.entries(folders).find(([p]) => pathname.startsWith(p));
  const base = join(root, dir);
  const file = normalize(join(base, decodeURIComponent(pathname.slice(prefix.length))));
  return file.startsWith(base) ? file : null;
}

const PRODUCTS = ["Espresso cup", "Pour-over kettle", "Burr grinder", "Milk jug", "Scale"];

/** The origin API the service worker caches: slow on purpose, so a cache hit is visible. */
async function api(url, res, counters) {
  counters.origin++;
  await new Promise((r) => setTimeout(r, 250));
  const send = (status, body, cacheControl) => {
    const json = JSON.stringify({ ...body, renderedAt: new Date().toISOString(), originCalls: counters.origin });
    // A length, not chunked: cachePage, like Django, never stores a streamed response.
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json), "cache-control": cacheControl });
    res.end(json);
  };
  const product = url.pathname.match(/^\/api\/products\/(\d+)$/);
  if (product && Number(product[1]) < PRODUCTS.length) {
    return send(200, { id: Number(product[1]), name: PRODUCTS[product[1]], price: 12 + 7 * Number(product[1]) }, "public, max-age=60");
  }
  if (url.pathname === "/api/products") return send(200, { products: PRODUCTS }, "public, max-age=60");
  // A per-user answer: private, so no shared cache may keep it.
  if (url.pathname === "/api/cart") return send(200, { items: 2 }, "private, max-age=60");
  return send(404, { error: "no such resource" }, "no-store");
}

/** Two isolates of the edge Worker over one KV namespace, as two Workers locations would be. */
function edgeWorkers() {
  const isolate = (name) => ({
    name,
    modules: true,
    modulesRoot: root,
    scriptPath: join(root, "www/edge/worker.js"),
    modulesRules: [
      { type: "ESModule", include: ["**/*.js"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2026-04-01",
    kvNamespaces: { CACHE: "edge-demo" },
    bindings: { ISOLATE: name },
  });
  return new Miniflare({ workers: [isolate("a"), isolate("b")] });
}

/** /edge/<isolate>/<path>: the request handed to that isolate, its response sent back. */
async function edge(req, url, res, mf) {
  const [, , name, ...rest] = url.pathname.split("/");
  if (name !== "a" && name !== "b") {
    res.writeHead(404).end();
    return;
  }
  const worker = await mf.getWorker(name);
  const response = await worker.fetch(`http://edge.test/${rest.join("/")}`, { method: req.method });
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

/** Starts the demo server; resolves to { url, close() }. */
export async function startDemo({ port = 0, host = "127.0.0.1" } = {}) {
  const counters = { origin: 0 };
  const mf = edgeWorkers();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://localhost");
    if (url.pathname.startsWith("/api/")) return api(url, res, counters);
    if (url.pathname.startsWith("/edge/")) return edge(req, url, res, mf).catch((error) => res.writeHead(502).end(String(error)));
    const file = resolve(url.pathname);
    try {
      if (!file) throw new Error("outside");
      const body = await readFile(file);
      res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
    }
  });
  await new Promise((r) => server.listen(port, host, r));
  return {
    url: `http://${host}:${server.address().port}`,
    counters,
    close: async () => {
      await new Promise((r) => { server.closeAllConnections(); server.close(r); });
      await mf.dispose();
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url } = await startDemo({ port: Number(process.env.PORT ?? 8080) });
  console.log(`edgecache demo: ${url.replace("127.0.0.1", "localhost")}/`);
}
