// Helpers shared by the demo pages: how values, errors and Python equivalents are shown.

/** A value as the page shows it (bigints with their n, binary as its length). */
export function formatValue(value) {
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? `${v}n` : v)) ?? String(value);
}

/** A JS value written as the Python literal Django would take. */
export function pyRepr(v) {
  if (v === undefined || v === null) return "None";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "boolean") return v ? "True" : "False";
  return formatValue(v);
}

/** An error as "TypeError [CODE]: message". */
export function describeError(e) {
  return `${e?.name ?? "Error"}${e?.code ? ` [${e.code}]` : ""}: ${e?.message ?? e}`;
}

/** Seconds as "12.3 s", null as "forever". */
export function seconds(s) {
  if (s === null || s === undefined) return "forever";
  return s <= 0 ? "expired" : `${s.toFixed(1)} s`;
}
