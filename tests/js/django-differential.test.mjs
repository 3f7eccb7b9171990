// The differential test against the real Django 5.2.19 (tests/django/oracle.py, run here in the
// virtual environment scripts/setup.sh makes): seeded random operation sequences over every
// LocMemCache method and option, under a patched time.time(), with their results, warnings and
// entry order; django.utils.cache helpers, fragment keys and learn_cache_key/get_cache_key. Each
// is replayed against the built package; any divergence fails, except the deliberate ones
// listed in docs/django.md ("Where edgecache differs from Django, on purpose").
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { MemoryCache, makeTemplateFragmentKey, patchCacheControl, getMaxAge, learnCacheKey, getCacheKey, cacheMiddleware, Cache, stores, patchVaryHeaders, hasVaryHeader, patchResponseHeaders, addNeverCacheHeaders } from "../../pkg/node.js";
import { parseTagged, showBig } from "./helpers.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const python = `${root}.venv/bin/python`;
// DJANGO_CASES=5000 for a longer run; make test runs the default.
const SEED = Number(process.env.DJANGO_SEED ?? 20261201);
const CASES = Number(process.env.DJANGO_CASES ?? 400);
const T0 = 1_700_000_000_000;

function oracle() {
  if (!existsSync(python)) throw new Error("no Django venv: run scripts/setup.sh (make test does)");
  const out = execFileSync(python, [`${root}tests/django/oracle.py`, String(SEED), String(CASES)], { maxBuffer: 1 << 30, encoding: "utf8" });
  return parseTagged(out);
}

const data = oracle();

function cacheFor(s, clock, warnings) {
  return new MemoryCache({
    timeout: s.TIMEOUT,
    maxEntries: s.MAX_ENTRIES,
    cullFrequency: s.CULL_FREQUENCY,
    keyPrefix: s.KEY_PREFIX,
    version: s.VERSION,
    keyFunction: s.KEY_FUNCTION ? (key, prefix, version) => `${prefix}|${version}|${key}` : undefined,
    onWarning: (message) => warnings.push(message),
    clock,
  });
}

/** Python's result in JSON terms, for JS's: a Map of pairs, undefined as None. */
function normal(value) {
  if (value instanceof Map) return [...value].map(([k, v]) => [k, normal(v)]);
  if (value === undefined) return null;
  return value;
}

function run(cache, op, clock) {
  const timeout = op.timeout === "DEFAULT" ? undefined : op.timeout === "inf" ? Infinity : op.timeout === "-inf" ? -Infinity : op.timeout;
  const write = op.version === null ? timeout : { timeout, version: op.version };
  const kw = op.version === null ? undefined : { version: op.version };
  const delta = op.delta ?? undefined;
  switch (op.op) {
    case "set": return cache.set(op.key, op.value, write);
    case "add": return cache.add(op.key, op.value, write);
    case "get": return cache.get(op.key, op.default, kw);
    case "get_or_set": return cache.getOrSet(op.key, op.callable ? () => op.value : op.value, write);
    case "get_many": return cache.getMany(op.keys, kw);
    case "set_many": return cache.setMany(new Map(op.pairs), write); // a dict, as Django takes
    case "delete": return cache.delete(op.key, kw);
    case "delete_many": return cache.deleteMany(op.keys, kw);
    case "has_key": return cache.has(op.key, kw);
    case "touch": return cache.touch(op.key, write);
    case "incr": return cache.incr(op.key, delta, kw);
    case "decr": return cache.decr(op.key, delta, kw);
    case "incr_version": return cache.incrVersion(op.key, delta, kw);
    case "decr_version": return cache.decrVersion(op.key, delta, kw);
    case "advance": return clock.advance(op.seconds);
    case "clear": return cache.clear();
    default: throw new Error(op.op);
  }
}

const ERRORS = { ValueError: "KEY_NOT_FOUND", TypeError: "NOT_A_NUMBER" };

test(`LocMemCache: ${data.cases.length} seeded sequences (${data.cases.reduce((n, c) => n + c.steps.length, 0)} operations) as the real Django ${data.django}`, () => {
  assert.equal(data.django, "5.2.19");
  for (const [n, c] of data.cases.entries()) {
    const clock = { t: T0, now() { return this.t; }, advance(s) { this.t += s * 1000; } };
    const warnings = [];
    const cache = cacheFor(c.settings, clock, warnings);
    for (const [i, op] of c.steps.entries()) {
      const where = `case ${n} step ${i}: ${showBig({ ...op, order: undefined, warnings: undefined })} with ${JSON.stringify(c.settings)}`;
      warnings.length = 0;
      let result;
      let error;
      try {
        result = run(cache, op, clock);
      } catch (e) {
        error = e;
      }
      if (op.error !== undefined) {
        assert.equal(error?.code, ERRORS[op.error], `${where}: expected ${op.error}, got ${error ?? normal(result)}`);
        if (op.error === "ValueError") assert.equal(error.message, op.message, where);
      } else {
        assert.equal(error, undefined, `${where}: threw ${error}`);
        assert.deepEqual(normal(result), op.result ?? null, where);
      }
      assert.deepEqual(warnings, op.warnings, `${where}: warnings`);
      // Django keeps its OrderedDict most recent first (move_to_end(key, last=False)).
      const order = cache.entries().map((e) => e.key);
      assert.deepEqual(order, op.order, `${where}: entry order`);
    }
  }
});

test("django.utils.cache (patch_cache_control, get_max_age, patch_vary_headers, has_vary_header, patch_response_headers, add_never_cache_headers), make_template_fragment_key and learn_cache_key/get_cache_key as the real Django", async () => {
  let count = 0;
  const kinds = new Set();
  for (const h of data.helpers) {
    if (h.kind === "patch_cache_control") {
      const headers = new Headers();
      if (h.before !== null) headers.set("cache-control", h.before);
      if (h.error) {
        // Django raises ValueError (a new max-age over one that is not an integer); edgecache
        // uses the new max-age (docs/django.md: an upstream's header must not fail a response).
        patchCacheControl(headers, h.directives);
        assert.ok(headers.get("cache-control").split(", ").includes(`max-age=${h.directives.max_age}`), JSON.stringify(h));
        continue;
      }
      patchCacheControl(headers, h.directives);
      // Django keeps no-cache's field names in a set: their order is the process's hash order.
      const setOrder = (v) => {
        const parts = v.split(", ");
        const names = parts.filter((p) => p.startsWith("no-cache=")).sort();
        return parts.map((p) => (p.startsWith("no-cache=") ? names.shift() : p)).join(", ");
      };
      assert.equal(setOrder(headers.get("cache-control")), setOrder(h.after), JSON.stringify(h));
      assert.equal(getMaxAge(headers) ?? null, h.max_age, JSON.stringify(h));
    } else if (h.kind === "patch_vary_headers") {
      const headers = new Headers(h.before === null ? {} : { vary: h.before });
      patchVaryHeaders(headers, h.names);
      assert.equal(headers.get("vary"), h.after === null ? null : h.after.trim(), JSON.stringify(h));
    } else if (h.kind === "has_vary_header") {
      assert.equal(hasVaryHeader(new Headers(h.before === null ? {} : { vary: h.before }), h.name), h.result, JSON.stringify(h));
    } else if (h.kind === "response_headers") {
      const headers = new Headers();
      if (h.cache_control !== null) headers.set("cache-control", h.cache_control);
      if (h.expires !== null) headers.set("expires", h.expires);
      const clock = { now: () => T0 };
      if (h.timeout === "never") addNeverCacheHeaders(headers, { clock });
      else patchResponseHeaders(headers, h.timeout ?? undefined, { clock });
      const after = {};
      for (const name of ["Cache-Control", "Expires"]) if (headers.get(name) !== null) after[name] = headers.get(name);
      assert.deepEqual(after, h.after, JSON.stringify(h));
    } else if (h.kind === "fragment_key") {
      assert.equal(makeTemplateFragmentKey(h.name, h.vary_on), h.key, JSON.stringify(h));
    } else if (h.kind === "learn_cache_key") {
      const cache = new MemoryCache();
      const request = new Request(h.url, { headers: h.headers });
      const response = new Response("", { headers: h.vary === null ? {} : { vary: h.vary } });
      const key = await learnCacheKey(request, response, { cache, keyPrefix: "pfx", keyFormat: "django" });
      assert.equal(key, h.key, JSON.stringify(h));
      assert.equal(await getCacheKey(request, { cache, keyPrefix: "pfx", keyFormat: "django" }), h.again, JSON.stringify(h));
    } else {
      assert.fail(`unknown helper case ${h.kind}`);
    }
    count++;
    kinds.add(h.kind);
  }
  assert.ok(count >= 90);
  assert.equal(kinds.size, 6, [...kinds].join());
});

for (const kind of ["MemoryCache", "Cache", "Cache without its memory tier"]) test(`CacheMiddleware over a ${kind}: ${data.middleware.length} request sequences as the real Django`, async () => {
  let requests = 0;
  for (const [n, c] of data.middleware.entries()) {
    const clock = { t: T0, now() { return this.t; }, advance(s) { this.t += s * 1000; } };
    let calls = 0;
    let spec;
    const handler = async (request) => {
      calls++;
      const url = new URL(request.url);
      const headers = { "content-type": "text/html; charset=utf-8" };
      if (spec.cache_control !== null) headers["cache-control"] = spec.cache_control;
      if (spec.vary !== null) headers.vary = spec.vary;
      return new Response(`${url.pathname}${url.search} #${calls}`, { status: spec.status, headers });
    };
    const s = c.settings;
    const middleware = cacheMiddleware(handler, {
      cacheTimeout: s.cache_timeout ?? undefined,
      pageTimeout: s.page_timeout ?? undefined,
      keyPrefix: s.key_prefix,
      // The async Cache over a store too, with its memory tier and without (every step then
      // reads the store).
      cache: kind === "MemoryCache" ? new MemoryCache({ clock }) : new Cache({ store: stores.memory({ clock }), memory: kind === "Cache" ? undefined : false, clock }),
      clock,
      keyFormat: "django",
    });
    for (const [i, step] of c.steps.entries()) {
      const where = `sequence ${n} request ${i}: ${JSON.stringify({ ...step, seen: undefined })} with ${JSON.stringify(s)}`;
      clock.advance(step.advance);
      spec = step.response;
      const before = calls;
      const response = await middleware(new Request(`http://testserver${step.path}`, { method: step.method, headers: step.headers }));
      assert.equal(calls > before, step.called, `${where}: handler called`);
      if (step.error) {
        // Django fails this response (a malformed max-age): it must not be served from or
        // stored in the cache here either, which the later steps check.
        continue;
      }
      assert.equal(response.status, step.status, where);
      const body = await response.text();
      if (step.method !== "HEAD") assert.equal(body, step.body, where);
      const seen = {};
      for (const name of ["Cache-Control", "Expires", "Vary", "Age"]) {
        const value = response.headers.get(name);
        if (value !== null) seen[name] = value;
      }
      // The fetch Headers of the handler's Response trim a value's outer whitespace.
      const expected = Object.fromEntries(Object.entries(step.seen).map(([k, v]) => [k, v.trim()]));
      assert.deepEqual(seen, expected, `${where}: headers`);
      requests++;
    }
  }
  assert.ok(requests > 500, `${requests} requests`);
});
