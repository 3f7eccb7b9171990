// The npm tarball in headless Chromium: a plain page with <script type="module"> (an import
// map names "edgecache", no bundler) and an app built with Vite. Both run the shared program
// over IndexedDB.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { serve, chromiumOptions } from "./static-server.mjs";
import { installPacked, program, expected, memoryProgram, memoryExpected, memoryImport, root } from "./packed.mjs";

let project;
let remove;
let browser;
before(async () => {
  ({ project, remove } = installPacked());
  browser = await chromium.launch(chromiumOptions);
});
after(async () => {
  await browser?.close();
  remove?.();
});

const script = `import { MemoryCache, Cache, cachePage, stores } from "edgecache";\n${program('stores.indexedDB("edgecache-package-test")')}\nwindow.result = result;\n`;

/** Loads `dir`'s index.html from a local server and reads `window.result`. */
async function resultOf(dir) {
  const server = await serve({ dir });
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  try {
    await page.goto(server.url);
    await page.waitForFunction(() => window.result !== undefined, null, { timeout: 15_000 }).catch(() => {});
    assert.deepEqual(errors, []);
    return await page.evaluate(() => window.result);
  } finally {
    await page.close();
    await server.close();
  }
}

test("a plain <script type=\"module\"> page, no bundler", async () => {
  writeFileSync(
    join(project, "index.html"),
    `<!doctype html><script type="importmap">{"imports":{"edgecache":"./node_modules/edgecache/browser.js"}}</script>\n<script type="module">\n${script}</script>\n`,
  );
  assert.deepEqual(await resultOf(project), expected);
});

test("an app bundled by Vite", async () => {
  const app = join(project, "vite-app");
  execFileSync("mkdir", ["-p", app]);
  writeFileSync(join(app, "index.html"), `<!doctype html><script type="module" src="./main.js"></script>\n`);
  writeFileSync(join(app, "main.js"), script);
  // Top-level await (the browser entry awaits compilation) needs an ES2022 target.
  writeFileSync(join(app, "vite.config.js"), `export default { build: { target: "es2022" }, logLevel: "error" };\n`);
  execFileSync(join(root, "node_modules/.bin/vite"), ["build"], { cwd: app, stdio: "pipe" });
  assert.deepEqual(await resultOf(join(app, "dist")), expected);
});

test("edgecache/memory in a plain page (import map to memory/browser.js)", async () => {
  const dir = join(project, "memory-page");
  execFileSync("mkdir", ["-p", dir]);
  execFileSync("ln", ["-sfn", join(project, "node_modules"), join(dir, "node_modules")]);
  writeFileSync(
    join(dir, "index.html"),
    `<!doctype html><script type="importmap">{"imports":{"edgecache/memory":"./node_modules/edgecache/memory/browser.js"}}</script>\n<script type="module">\nimport ${memoryImport} from "edgecache/memory";\n${memoryProgram}\nwindow.result = result;\n</script>\n`,
  );
  assert.deepEqual(await resultOf(dir), memoryExpected);
});
