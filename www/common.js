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

/** A table row of text cells. */
export function tableRow(texts, className) {
  const tr = document.createElement("tr");
  if (className) tr.className = className;
  for (const text of texts) {
    const td = document.createElement("td");
    td.textContent = text;
    tr.append(td);
  }
  return tr;
}

/** A table row of `texts` whose cell `badgeAt` is a badge coloured by `status` (HIT, MISS...). */
export function badgeRow(texts, badgeAt, status) {
  const tr = document.createElement("tr");
  texts.forEach((text, i) => {
    const td = document.createElement("td");
    if (i === badgeAt) {
      const badge = document.createElement("span");
      badge.className = `badge ${String(status).toLowerCase()}`;
      badge.textContent = text;
      td.append(badge);
    } else td.textContent = text;
    tr.append(td);
  });
  return tr;
}

/** Prepends a call to a log list: its Django line, then its result (red when it threw). */
export function logCall(list, django, result, error = false) {
  const li = document.createElement("li");
  li.innerHTML = `<div class="django"></div><div class="${error ? "error" : "result"}"></div>`;
  li.children[0].textContent = `# Django: ${django}`;
  li.children[1].textContent = result;
  list.prepend(li);
}

/** Fills a <dl> with `stats` (name -> shown text); each <dd> carries data-stat. */
export function showStats(dl, stats) {
  dl.replaceChildren(...Object.entries(stats).flatMap(([name, text]) => {
    const dt = document.createElement("dt");
    dt.textContent = name;
    const dd = document.createElement("dd");
    dd.dataset.stat = name;
    dd.textContent = text;
    return [dt, dd];
  }));
}

/** A form's value field: JSON when it parses, else the text itself. */
export function parseValue(text) {
  if (text === "") return "";
  try { return JSON.parse(text); } catch { return text; }
}

/** A form's timeout field: undefined (default), null ("null" or "None"), or seconds. */
export function parseTimeout(text) {
  const t = text.trim();
  if (t === "") return undefined;
  if (t === "null" || t === "None") return null;
  return Number(t);
}
