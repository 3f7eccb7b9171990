// Builds the npm package into pkg/ from the matrix in wasm-pack.toml:
// wasm-pack (cargo + wasm-bindgen), binaryen's wasm-opt, the js/ loaders, package.json.
import { execFileSync } from "node:child_process";
import { cpSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "smol-toml";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const matrix = parse(readFileSync(join(root, "wasm-pack.toml"), "utf8"));
const cargo = parse(readFileSync(join(root, "Cargo.toml"), "utf8"));
const { name, out_dir: outDir } = matrix.package;
const out = join(root, outDir);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: "inherit" });

const features = matrix.wasm.features ?? [];
run("wasm-pack", [
  "build", "--target", matrix.wasm.target, `--${matrix.wasm.profile}`,
  "--out-dir", outDir, "--out-name", name, "--no-pack",
  ...(features.length ? ["--", "--features", features.join(",")] : []),
]);

const wasm = join(out, `${name}_bg.wasm`);
const before = statSync(wasm).size;
run(join(root, "node_modules", ".bin", "wasm-opt"), [...matrix.wasm.wasm_opt, wasm, "-o", wasm]);
console.log(`wasm-opt: ${before} -> ${statSync(wasm).size} bytes`);

cpSync(join(root, "js"), out, { recursive: true });
rmSync(join(out, ".gitignore"), { force: true });

// js/ files the wasm imports (#[wasm_bindgen(module = "/js/...")]) are emitted by
// wasm-bindgen under snippets/; the copy beside the loaders re-exports that one, so a bundle
// holds each once.
for (const dir of readdirSync(join(out, "snippets"), { withFileTypes: true })) {
  if (!dir.isDirectory()) continue;
  for (const file of readdirSync(join(out, "snippets", dir.name, "js"))) {
    writeFileSync(join(out, file), `// The module wasm imports, emitted by wasm-bindgen: one copy in every bundle.\nexport * from "./snippets/${dir.name}/js/${file}";\n`);
  }
}

// CommonJS entries: the ES module loader of the same name, bundled (the wasm file stays beside it).
for (const file of Object.values(matrix.entries).filter((f) => f.endsWith(".cjs"))) {
  run(join(root, "node_modules", ".bin", "esbuild"), [
    join(out, file.replace(/\.cjs$/, ".js")), "--bundle", "--format=cjs", "--platform=node",
    `--inject:${join(out, "cjs-shim.js")}`, "--define:import.meta.url=importMetaUrl",
    "--log-level=warning", `--outfile=${join(out, file)}`,
  ]);
}
// `.mjs` entries: the ES module loader of the same name bundled into one module. Node compiles
// each module of a graph on import: one file loads in about half the time of the ~25 (start-up).
for (const file of new Set(Object.values(matrix.entries).filter((f) => f.endsWith(".mjs")))) {
  run(join(root, "node_modules", ".bin", "esbuild"), [
    join(out, file.replace(/\.mjs$/, ".js")), "--bundle", "--format=esm", "--platform=node",
    "--log-level=warning", `--outfile=${join(out, file)}`,
  ]);
}
rmSync(join(out, "cjs-shim.js"));

const conditions = Object.fromEntries(Object.entries(matrix.entries).map(([k, v]) => [k, `./${v}`]));
const subpaths = Object.fromEntries(Object.entries(matrix.subpaths ?? {}).map(([path, file]) =>
  [path, { types: `./${file.replace(/\.js$/, ".d.ts")}`, default: `./${file}` }]));
const pkg = {
  name,
  version: cargo.package.version,
  description: cargo.package.description,
  license: cargo.package.license,
  type: "module",
  keywords: cargo.package.keywords,
  files: readdirSync(out).filter((f) => f !== "package.json"),
  types: conditions.types,
  exports: { ".": conditions, ...subpaths, "./edgecache_bg.wasm": `./${name}_bg.wasm` },
  sideEffects: ["./node.js", "./node.mjs", "./node.cjs", "./deno.js", "./workerd.js", "./browser.js", ...Object.values(matrix.subpaths ?? {}).map((f) => `./${f}`), "./fast.js", "./extras.js"],
};
writeFileSync(join(out, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
console.log(`built ${outDir}/ (${pkg.files.length} files)`);
