// Where the module's code bytes are: function body sizes from the release build before
// wasm-opt (target/wasm32-unknown-unknown/release/edgecache.wasm keeps the name section),
// summed by crate and, for edgecache, by module. For deciding what a smaller build may leave out.
// Usage: cargo build --release --target wasm32-unknown-unknown && node bench/wasm-size.mjs [file.wasm]
// (a file from `wasm-bindgen --keep-debug` shows what ships: the describe functions are gone)
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? new URL("../target/wasm32-unknown-unknown/release/edgecache.wasm", import.meta.url);
const buf = readFileSync(file);
let p = 8;
const leb = () => {
  let r = 0, s = 0, b;
  do { b = buf[p++]; r += (b & 0x7f) * 2 ** s; s += 7; } while (b & 0x80);
  return r;
};
let imported = 0;
const sizes = [];
const names = new Map();
while (p < buf.length) {
  const id = buf[p++];
  const len = leb();
  const end = p + len;
  if (id === 2) {
    for (let n = leb(); n > 0; n--) {
      for (let k = 0; k < 2; k++) { const l = leb(); p += l; } // module and field names
      const kind = buf[p++];
      if (kind === 0) { leb(); imported++; }
      else if (kind === 1) { p++; const f = buf[p++]; leb(); if (f & 1) leb(); }
      else if (kind === 2) { const f = buf[p++]; leb(); if (f & 1) leb(); }
      else p += 2;
    }
  } else if (id === 10) {
    for (let n = leb(); n > 0; n--) { const l = leb(); sizes.push(l); p += l; } // (read before adding)
  } else if (id === 0) {
    const nl = leb();
    const name = buf.subarray(p, p + nl).toString();
    p += nl;
    while (name === "name" && p < end) {
      const sub = buf[p++];
      const sl = leb();
      const se = p + sl;
      if (sub === 1) for (let n = leb(); n > 0; n--) { const i = leb(); const l = leb(); names.set(i, buf.subarray(p, p + l).toString()); p += l; }
      p = se;
    }
  }
  p = end;
}
/** `crate` or `edgecache::module` of a mangled name (legacy `_ZN` or v0 `_R`) or of a
 * demangled one (wasm-bindgen's output keeps names demangled). */
function owner(name) {
  if (name.includes("::")) {
    const m = /edgecache::wasm::\w+|edgecache::\w+|\b(?:core|alloc|std|hashbrown|miniz_oxide|md5|dlmalloc|js_sys|wasm_bindgen|getrandom|digest)\b/.exec(name.replace(/::h[0-9a-f]{16}$/, ""));
    if (m) return m[0].replace(/^edgecache::wasm::(\w+)$/, "edgecache::wasm::$1");
  }
  const legacy = /^_ZN((?:\d+[^\d].*?)+)E$/.exec(name);
  const parts = [];
  if (legacy) {
    let s = legacy[1];
    while (/^\d/.test(s)) { const n = parseInt(s, 10); const d = String(n).length; parts.push(s.slice(d, d + n)); s = s.slice(d + n); }
  } else {
    for (const m of name.matchAll(/\d+([a-z_][a-z0-9_]*)/g)) parts.push(m[1]);
  }
  const crate = parts.find((x) => /^(edgecache|core|alloc|std|hashbrown|miniz_oxide|md5|dlmalloc|js_sys|wasm_bindgen|getrandom|digest)$/.test(x));
  if (crate === "edgecache") {
    const i = parts.indexOf("edgecache");
    const mod = parts[i + 1] === "wasm" ? `wasm::${parts[i + 2]}` : parts[i + 1];
    return `edgecache::${mod}`;
  }
  if (crate) return crate;
  return /^__wbg|^__wbindgen|_[0-9a-f]{16}$/.test(name) ? "wasm-bindgen glue and exports (describe functions included: the CLI strips them)" : "other (impls of std types on std types)";
}
const total = sizes.reduce((a, b) => a + b, 0);
const by = new Map();
sizes.forEach((s, i) => { const k = owner(names.get(i + imported) ?? ""); by.set(k, (by.get(k) ?? 0) + s); });
console.log(`${sizes.length} functions, ${total} bytes of code (before wasm-opt)`);
for (const [k, v] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${String(v).padStart(7)}  ${(100 * v / total).toFixed(1).padStart(5)}%  ${k}`);
