// Builds the npm package into pkg/ from the matrix in wasm-pack.toml: for the main build and
// each of [builds], wasm-pack (cargo + wasm-bindgen), binaryen's wasm-opt, the js/ loaders
// and their bundles; then package.json.
import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "smol-toml";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const matrix = parse(readFileSync(join(root, "wasm-pack.toml"), "utf8"));
const cargo = parse(readFileSync(join(root, "Cargo.toml"), "utf8"));
const { name, out_dir: outDir } = matrix.package;
const out = join(root, outDir);
const bin = (tool) => join(root, "node_modules", ".bin", tool);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: "inherit" });
const builds = matrix.builds ?? {};

/** cargo + wasm-bindgen into `dir` with exactly `features` (no default features), then wasm-opt. */
function wasm(dir, features) {
  run("wasm-pack", [
    "build", "--target", matrix.wasm.target, `--${matrix.wasm.profile}`,
    "--out-dir", dir, "--out-name", name, "--no-pack",
    "--", "--no-default-features", ...(features.length ? ["--features", features.join(",")] : []),
  ]);
  const file = join(root, dir, `${name}_bg.wasm`);
  const before = statSync(file).size;
  run(bin("wasm-opt"), [...matrix.wasm.wasm_opt, file, "-o", file]);
  console.log(`${dir}: wasm-opt ${before} -> ${statSync(file).size} bytes`);
  rmSync(join(root, dir, ".gitignore"), { force: true });
}

/**
 * The files of js/ the `entries` loaders import, followed through relative imports, copied to
 * `to`; a file of the `overlay` folder of js/ stands in for the one of the same name.
 */
function copyLoaders(to, overlay) {
  const source = (file) => (existsSync(join(root, "js", overlay, file)) ? join(root, "js", overlay, file) : join(root, "js", file));
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file) || !existsSync(source(file))) return; // the glue and wasm are generated
    seen.add(file);
    const text = readFileSync(source(file), "utf8");
    mkdirSync(dirname(join(to, file)), { recursive: true });
    writeFileSync(join(to, file), text);
    types(file.replace(/\.js$/, ".d.ts"));
    // Static and dynamic imports: `from "./x.js"`, `import "./x.js"`, `import("./x.js")`.
    for (const [, path] of text.matchAll(/(?:from|import)\s*\(?\s*"\.\/([^"]+\.js)"/g)) visit(join(dirname(file), path));
  };
  // Declaration files, followed through their imports (`from "./x.js"` is x.d.ts).
  const types = (file) => {
    if (seen.has(file) || !existsSync(source(file))) return;
    seen.add(file);
    cpSync(source(file), join(to, file));
    for (const [, path] of readFileSync(source(file), "utf8").matchAll(/(?:from|import)\s*"\.\/([^"]+)\.js"/g)) types(`${path}.d.ts`);
  };
  for (const file of Object.values(matrix.entries)) (file.endsWith(".d.ts") ? types : visit)(file.replace(/\.(cjs|mjs)$/, ".js"));
}

/** What every build's folder gets after its loaders: snippet re-exports and bundled entries. */
function finish(dir) {
  const at = join(root, dir);
  // js/ files the wasm imports (#[wasm_bindgen(module = "/js/...")]) are emitted by
  // wasm-bindgen under snippets/; the copy beside the loaders re-exports that one, so a bundle
  // holds each once.
  for (const snippet of readdirSync(join(at, "snippets"), { withFileTypes: true })) {
    if (!snippet.isDirectory()) continue;
    for (const file of readdirSync(join(at, "snippets", snippet.name, "js"))) {
      writeFileSync(join(at, file), `// The module wasm imports, emitted by wasm-bindgen: one copy in every bundle.\nexport * from "./snippets/${snippet.name}/js/${file}";\n`);
    }
  }
  // CommonJS entries: the ES module loader of the same name, bundled (the wasm file stays beside it).
  for (const file of Object.values(matrix.entries).filter((f) => f.endsWith(".cjs"))) {
    run(bin("esbuild"), [
      join(at, file.replace(/\.cjs$/, ".js")), "--bundle", "--format=cjs", "--platform=node",
      `--inject:${join(root, "js", "cjs-shim.js")}`, "--define:import.meta.url=importMetaUrl",
      "--log-level=warning", `--outfile=${join(at, file)}`,
    ]);
  }
  // wasm-bindgen declares `[Symbol.dispose]()` on its classes, which needs lib
  // esnext.disposable: a Workers project (workers-types, no DOM, ES2022) does not compile
  // against it. The method stays at run time (`using` works where the engine has it); `free()`
  // is typed.
  const glue = join(at, `${name}.d.ts`);
  writeFileSync(glue, readFileSync(glue, "utf8").replace(/^\s*\[Symbol\.dispose\]\(\): void;\n/gm, ""));
  // CommonJS types: a `.d.cts` beside each `.d.ts`, its relative imports naming `.cjs` files, so
  // a TypeScript project compiling to CommonJS (module Node16) types require("edgecache").
  for (const file of readdirSync(at).filter((f) => f.endsWith(".d.ts") && !f.endsWith("_bg.wasm.d.ts"))) {
    const text = readFileSync(join(at, file), "utf8").replace(/(["'])(\.\.?\/[^"']+)\.js\1/g, "$1$2.cjs$1");
    writeFileSync(join(at, file.replace(/\.d\.ts$/, ".d.cts")), text);
  }
  // `.mjs` entries: the ES module loader of the same name bundled into one module. Node compiles
  // each module of a graph on import: one file loads in about half the time of the ~25 (start-up).
  for (const file of new Set(Object.values(matrix.entries).filter((f) => f.endsWith(".mjs")))) {
    run(bin("esbuild"), [
      join(at, file.replace(/\.mjs$/, ".js")), "--bundle", "--format=esm", "--platform=node",
      "--log-level=warning", `--outfile=${join(at, file)}`,
    ]);
  }
}

wasm(outDir, matrix.wasm.features ?? []);
cpSync(join(root, "js"), out, {
  recursive: true,
  filter: (src) => !Object.values(builds).some((b) => src === join(root, "js", b.dir)) && !src.endsWith(".gitignore") && !src.endsWith("cjs-shim.js"),
});
finish(outDir);
for (const build of Object.values(builds)) {
  const dir = join(outDir, build.dir);
  rmSync(join(root, dir), { recursive: true, force: true });
  wasm(dir, build.features ?? []);
  copyLoaders(join(root, dir), build.dir);
  finish(dir);
}

// require: its own types (the .d.cts copies), which CommonJS TypeScript projects need; it goes
// before "types", since TypeScript takes the first condition that matches.
const conditions = (prefix) => {
  const list = Object.entries(matrix.entries).map(([k, v]) =>
    [k, k === "require" ? { types: `./${prefix}index.d.cts`, default: `./${prefix}${v}` } : `./${prefix}${v}`]);
  const types = list.findIndex(([k]) => k === "types");
  const require = list.findIndex(([k]) => k === "require");
  if (types >= 0 && require > types) list.splice(require, 0, ...list.splice(types, 1));
  return Object.fromEntries(list);
};
const subpaths = Object.fromEntries(Object.entries(matrix.subpaths ?? {}).map(([path, file]) =>
  [path, { types: `./${file.replace(/\.js$/, ".d.ts")}`, default: `./${file}` }]));
const loaders = (prefix) => [...new Set(Object.values(matrix.entries).filter((f) => /\.(m|c)?js$/.test(f))
  .flatMap((f) => [f, f.replace(/\.(m|c)js$/, ".js")]))].concat(["fast.js", "extras.js"]).map((f) => `./${prefix}${f}`);
// What a published package carries beside the code: the licenses it declares, the README,
// its guides and the changelog.
for (const file of ["README.md", "CHANGELOG.md", "LICENSE-MIT", "LICENSE-APACHE"]) copyFileSync(join(root, file), join(out, file));
// The guides the README links to (docs/*.md; the demo's screenshot stays in the repository).
mkdirSync(join(out, "docs"), { recursive: true });
for (const file of readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md"))) copyFileSync(join(root, "docs", file), join(out, "docs", file));
const pkg = {
  name,
  version: cargo.package.version,
  description: cargo.package.description,
  license: cargo.package.license,
  repository: { type: "git", url: cargo.package.repository },
  engines: { node: ">=18.17" },
  // examples/opentelemetry.js wires the events to it; nothing in the package imports it.
  peerDependencies: { "@opentelemetry/api": "^1.0.0" },
  peerDependenciesMeta: { "@opentelemetry/api": { optional: true } },
  type: "module",
  keywords: cargo.package.keywords,
  files: readdirSync(out).filter((f) => f !== "package.json"),
  types: conditions("").types,
  exports: {
    ".": conditions(""),
    "./package.json": "./package.json",
    ...Object.fromEntries(Object.values(builds).map((b) => [b.subpath, conditions(`${b.dir}/`)])),
    ...subpaths,
    "./edgecache_bg.wasm": `./${name}_bg.wasm`,
    ...Object.fromEntries(Object.values(builds).map((b) => [`./${b.dir}/${name}_bg.wasm`, `./${b.dir}/${name}_bg.wasm`])),
  },
  sideEffects: [...loaders(""), ...Object.values(builds).flatMap((b) => loaders(`${b.dir}/`)), ...Object.values(matrix.subpaths ?? {}).map((f) => `./${f}`)],
};
writeFileSync(join(out, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
console.log(`built ${outDir}/ (${pkg.files.length} files)`);
