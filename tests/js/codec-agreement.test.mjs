// The JS codec (js/boundary.js encodes, js/decode.js decodes) and the Rust codec (src/codec/mod.rs,
// which defines the format) agree byte for byte, in both directions, on random values: what JS
// encodes, Rust decodes and re-encodes to the same bytes; what Rust encodes, JS decodes to the
// value and encodes to the same bytes again.
import { test } from "node:test";
import assert from "node:assert/strict";
import "../../pkg/node.js";
import { __reencode } from "../../pkg/edgecache.js";
import { encodeValue } from "../../pkg/encode.js";
import { decodeBytes } from "../../pkg/decode.js";
import { seeded } from "./helpers.mjs";

const CHARS = ["a", "Z", "0", " ", "é", "清", "😀", "\u0000", "\u007f", "\u0080", "\uffff"];

function valueOf(next, depth) {
  const pick = (n) => Math.floor(next() * n);
  const text = () => Array.from({ length: pick(next() < 0.1 ? 300 : 12) }, () => CHARS[pick(CHARS.length)]).join("");
  const leaf = [
    () => null, () => true, () => false, () => pick(1000) - 500, () => next() * 1e9, () => -0, () => NaN,
    () => Infinity, () => -Infinity, () => 2 ** 53 + pick(10), text,
    () => BigInt(pick(1e6) - 5e5) * 10n ** BigInt(pick(30)), () => new Date(pick(2e12)), () => new Date(NaN),
    () => Uint8Array.from({ length: pick(20) }, () => pick(256)), () => new Float64Array([next(), -0]),
    () => new Int16Array([pick(65536) - 32768]), () => new BigInt64Array([BigInt(pick(1e9)) - 500000000n]),
    () => new DataView(new ArrayBuffer(pick(5))), () => new ArrayBuffer(pick(5)),
    () => new Uint8ClampedArray([pick(256)]), () => new Uint32Array([pick(2 ** 32)]), () => new Float32Array([1.5]),
  ];
  if (depth > 4 || next() < 0.45) return leaf[pick(leaf.length)]();
  const n = pick(6);
  switch (pick(5)) {
    case 0: {
      const a = Array.from({ length: n }, () => valueOf(next, depth + 1));
      if (n > 1 && next() < 0.3) delete a[pick(n)]; // a hole
      if (n > 0 && next() < 0.2) a[pick(n)] = undefined;
      return a;
    }
    case 1:
      return Object.fromEntries(Array.from({ length: n }, () => [text(), valueOf(next, depth + 1)]));
    case 2:
      return new Map(Array.from({ length: n }, () => [valueOf(next, depth + 1), valueOf(next, depth + 1)]));
    case 3:
      return new Set(Array.from({ length: n }, () => valueOf(next, depth + 1)));
    default:
      return { nested: valueOf(next, depth + 1), list: [valueOf(next, depth + 1)] };
  }
}

const CASES = Number(process.env.CODEC_CASES ?? 3000);

test(`JS and Rust codecs agree byte for byte on ${CASES} random values`, () => {
  const next = seeded(20261201);
  for (let i = 0; i < CASES; i++) {
    const value = valueOf(next, 0);
    if (value === undefined) continue;
    const js = encodeValue(value, Infinity);
    const rust = __reencode(js);
    assert.deepEqual(rust, js, `case ${i}: Rust re-encodes JS's bytes differently`);
    const decoded = decodeBytes(rust);
    assert.deepEqual(encodeValue(decoded, Infinity), rust, `case ${i}: JS decodes Rust's bytes to another value`);
  }
});

test("random bytes: JS decodes exactly what Rust accepts, and refuses the rest with CORRUPT_VALUE", () => {
  const next = seeded(5);
  for (let i = 0; i < 3000; i++) {
    const bytes = Uint8Array.from({ length: 1 + Math.floor(next() * 30) }, () => Math.floor(next() * 40));
    bytes[0] = 1 + Math.floor(next() * 4);
    let rust;
    try {
      rust = __reencode(bytes);
    } catch (e) {
      assert.equal(e.code, "CORRUPT_VALUE");
    }
    let value;
    let error;
    try {
      value = decodeBytes(bytes);
    } catch (e) {
      error = e;
    }
    if (error !== undefined) {
      assert.equal(error.code, "CORRUPT_VALUE", String(error));
      assert.equal(rust, undefined, `Rust accepts bytes JS refuses: ${bytes}`);
      continue;
    }
    // What JS decodes, Rust accepts. (The values may still differ in bits no JS value can
    // hold: a NaN's payload, a Date outside the time range. No encoder writes those.)
    assert.ok(rust !== undefined, `JS decoded bytes Rust refuses: ${bytes} (as ${String(value)})`);
  }
});
