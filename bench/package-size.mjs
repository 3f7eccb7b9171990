// Sizes a user pays: the npm tarball, and per entry point what a bundle of
// `import { MemoryCache, Cache, cachePage, stores } from "edgecache"` and of
// `import { MemoryCache } from "edgecache/memory"` include (esbuild with the entry's condition,
// minified; the .wasm counted beside it), raw and gzip -9, against the targets of issue 20.
// Writes bench/PACKAGE-SIZE.md. Run after `make build`.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = fileURLToPath(new URL("../", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "edgecache-size-"));
const name = execFileSync("npm", ["pack", "--silent", "--pack-destination", work], { cwd: join(root, "pkg"), encoding: "utf8" }).trim().split("\n").pop();
const tarball = statSync(join(work, name)).size;

const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const kb = (n) => (n / 1024).toFixed(1);
// The package as an installed dependency, resolved through its package.json exports.
mkdirSync(join(work, "node_modules"));
symlinkSync(join(root, "pkg"), join(work, "node_modules", "edgecache"));
const imports = [
  ["full", "import { MemoryCache, Cache, cachePage, stores } from \"edgecache\"", "pkg/edgecache_bg.wasm", 100],
  ["memory", "import { MemoryCache } from \"edgecache/memory\"", "pkg/memory/edgecache_bg.wasm", 40],
];
// Deno's loader imports the module's source phase (`import source`), which a bundler leaves
// external: the .wasm ships beside the bundle and is counted from pkg/.
const runtimes = [
  ["workerd (Worker bundle)", "workerd,worker", "neutral", []],
  ["browser (Vite/esbuild)", "browser", "browser", []],
  ["node", "node", "node", []],
  ["deno", "deno", "neutral", ["--external:*.wasm"]],
];
const tables = [];
for (const [tag, statement, wasmFile, target] of imports) {
  const entry = join(work, `${tag}.mjs`);
  writeFileSync(entry, `${statement};\nglobalThis.x = [${/\{ (.*) \}/.exec(statement)[1]}];\n`);
  const rows = [];
  for (const [label, conditions, platform, extra] of runtimes) {
    const out = join(work, `${tag}-${label.split(" ")[0]}`);
    execFileSync(join(root, "node_modules/.bin/esbuild"), [
      entry, "--bundle", "--minify", "--format=esm", `--platform=${platform}`, `--conditions=${conditions}`,
      "--loader:.wasm=copy", "--external:node:*", "--external:cloudflare:*", ...extra, `--outdir=${out}`, "--log-level=error",
    ]);
    // The Node and Deno loaders read the .wasm at run time: it ships beside the bundle.
    const names = readdirSync(out);
    const js = names.filter((f) => !f.endsWith(".wasm")).map((f) => readFileSync(join(out, f)));
    const copied = names.filter((f) => f.endsWith(".wasm")).map((f) => readFileSync(join(out, f)));
    const wasm = copied.length ? copied : [readFileSync(join(root, wasmFile))];
    const sum = (xs, f) => xs.reduce((a, b) => a + f(b), 0);
    rows.push(`| ${label} | ${kb(sum(js, (b) => b.length))} | ${kb(sum(js, gz))} | ${kb(sum(wasm, (b) => b.length))} | ${kb(sum(wasm, gz))} | ${kb(sum(js, gz) + sum(wasm, gz))} |`);
  }
  tables.push(
    `What a bundle of \`${statement}\` includes, per entry point (esbuild, minified; KB; target ≤ ${target} KB total gzip):`,
    "",
    "| entry | JS | JS gzip | wasm | wasm gzip | total gzip |",
    "|---|---:|---:|---:|---:|---:|",
    ...rows,
    "",
  );
}
rmSync(work, { recursive: true, force: true });
const lines = [
  "# Package size",
  "",
  `Tarball (\`npm pack\` of pkg/): ${kb(tarball)} KB.`,
  "",
  ...tables,
  "Reproduce: `make build && node bench/package-size.mjs`.",
  "",
];
writeFileSync(new URL("./PACKAGE-SIZE.md", import.meta.url), lines.join("\n"));
console.log(lines.join("\n"));
