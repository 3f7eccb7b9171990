// Shared test helpers: a manual clock (ms, like Date.now) and a warning collector.
export function manualClock(start = 1_700_000_000_000) {
  return {
    t: start,
    now() {
      return this.t;
    },
    advance(seconds) {
      this.t += seconds * 1000;
    },
  };
}

export function warnings() {
  const seen = [];
  const onWarning = (message) => seen.push(message);
  return { seen, onWarning };
}

/**
 * Miniflare options of one Worker from tests/runtimes/, loaded as wrangler bundles it: ES
 * modules with the `.wasm` imported as a compiled module. `extra` adds bindings.
 */
export function workerOptions(script, extra = {}) {
  const root = new URL("../../", import.meta.url).pathname;
  return {
    modules: true,
    modulesRoot: root,
    scriptPath: `${root}tests/runtimes/${script}`,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2026-04-01",
    ...extra,
  };
}

/** A seeded xorshift32 generator of numbers in [0, 1): the same cases on every run. */
export function seeded(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** JSON from the Django oracles, whose ints past 2^53 - 1 come tagged as {"$int": "digits"} (tests/django/ops.py's `tagged`): read back as BigInts. */
export function parseTagged(text) {
  return JSON.parse(text, (_, v) => (v !== null && typeof v === "object" && Object.keys(v).length === 1 && typeof v.$int === "string" ? BigInt(v.$int) : v));
}

/** JSON.stringify for a failure message: a bigint as `5n`. */
export function showBig(value) {
  return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? `${v}n` : v));
}
