// Divergences from Django 5.2.19 found by running it side by side, each pinned here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryCache, Cache, stores, makeTemplateFragmentKey, patchCacheControl, patchResponseHeaders } from "../../pkg/node.js";
import { manualClock, warnings } from "./helpers.mjs";

test("the default timeout is truncated as Django's int(TIMEOUT); per-call timeouts keep fractions", () => {
  const clock = manualClock();
  const cache = new MemoryCache({ timeout: 2.5, clock });
  cache.set("default", 1);
  cache.set("call", 1, 2.5);
  clock.advance(2);
  assert.equal(cache.get("default"), undefined);
  assert.equal(cache.get("call"), 1);
  clock.advance(0.5);
  assert.equal(cache.get("call"), undefined);
  const negative = new MemoryCache({ timeout: -0.5, clock });
  negative.set("k", 1); // int(-0.5) is 0: expires at once
  assert.equal(negative.get("k"), undefined);
});

test("incrVersion of a missing key warns for the source key only; of a present one, as Django's get/set/delete", async () => {
  const w = warnings();
  const cache = new MemoryCache({ onWarning: w.onWarning });
  assert.throws(() => cache.incrVersion("a b"), { code: "KEY_NOT_FOUND" });
  assert.equal(w.seen.length, 1);
  assert.match(w.seen[0], /:1:a b/);
  cache.set("c d", 1);
  w.seen.length = 0;
  cache.incrVersion("c d");
  assert.deepEqual(w.seen.map((m) => m.match(/':(\d):c d'/)?.[1]), ["1", "2", "1"]);
  const wa = warnings();
  const async = new Cache({ store: stores.memory(), onWarning: wa.onWarning });
  await assert.rejects(async.incrVersion("a b"), { code: "KEY_NOT_FOUND" });
  assert.equal(wa.seen.length, 1);
});

test("makeKey neither validates nor warns (Django's make_key)", async () => {
  const w = warnings();
  const cache = new MemoryCache({ onWarning: w.onWarning, strictKeys: false });
  assert.equal(cache.makeKey("a b"), ":1:a b");
  assert.equal(cache.makeKey("x".repeat(300)).length, 303);
  const strict = new MemoryCache({ strictKeys: true });
  assert.equal(strict.makeKey("a b"), ":1:a b");
  const async = new Cache({ store: stores.memory(), onWarning: w.onWarning });
  assert.equal(async.makeKey("a b"), ":1:a b");
  assert.deepEqual(w.seen, []);
});

test("makeTemplateFragmentKey prints any varyOn value as Python's str()", () => {
  // Python: make_template_fragment_key("n", [10**20, -5, [1, "a"]])
  assert.equal(makeTemplateFragmentKey("n", [10n ** 20n, -5n]), makeTemplateFragmentKey("n", ["100000000000000000000", "-5"]));
  assert.equal(makeTemplateFragmentKey("n", [[1n, "a"]]), makeTemplateFragmentKey("n", ["[1, 'a']"]));
  assert.throws(() => makeTemplateFragmentKey("n", [{ toString() { throw new Error("mine"); } }]), /mine/);
  assert.throws(() => makeTemplateFragmentKey("n", ["\uD800"]), { code: "INVALID_KEY" });
});

test("a fractional max_age still takes the smaller max-age, as Django's min()", () => {
  const headers = new Headers({ "cache-control": "max-age=10" });
  patchCacheControl(headers, { maxAge: 2.5 });
  assert.equal(headers.get("cache-control"), "max-age=2.5");
  const kept = new Headers({ "cache-control": "max-age=1" });
  patchCacheControl(kept, { maxAge: 2.5 });
  assert.equal(kept.get("cache-control"), "max-age=1");
  const response = new Headers({ "cache-control": "max-age=10" });
  patchResponseHeaders(response, 2.5);
  assert.match(response.get("cache-control"), /^max-age=2.5$/);
});

test("decr by 0 of a stored -0 is 0, as Python negates the integer delta", () => {
  const cache = new MemoryCache();
  cache.set("z", -0);
  assert.ok(Object.is(cache.decr("z", 0), 0));
  cache.set("y", -0);
  assert.ok(Object.is(cache.incr("y", 0), 0));
});
