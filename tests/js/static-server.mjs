// A static server over the repository for browser tests: only pkg/, tests/ and www/.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const types = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".css": "text/css" };

/**
 * Starts the server on a free loopback port; resolves to { url, close() }. By default it
 * serves the repository's pkg/, tests/ and www/; `{ dir }` serves that directory instead.
 */
export async function serve({ dir } = {}) {
  const base = dir ?? root;
  const index = dir ? "index.html" : "tests/runtimes/blank.html";
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    const file = normalize(join(base, path === "/" ? index : path));
    const allowed = dir ? file.startsWith(normalize(base)) : ["pkg", "tests", "www"].some((d) => file.startsWith(join(root, d)));
    try {
      if (!allowed) throw new Error("outside");
      const body = await readFile(file);
      res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream", "content-length": body.length });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

/** Chromium as the README's set-up installs it, with the flags this machine needs. */
export const chromiumOptions = {
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
};
