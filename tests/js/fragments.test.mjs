// Django's {% cache %}: fragment keys, the tag's timeout coercion, which cache, rendering
// counts, and a page streamed from fragments.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Cache, MemoryCache, cacheFragment, configureCaches, getCache, makeTemplateFragmentKey, streamFragments, stores } from "../../pkg/node.js";
import { manualClock } from "./helpers.mjs";

test("makeTemplateFragmentKey matches Django's expected keys", () => {
  const cases = [
    [["a.fragment"], "template.cache.a.fragment.d41d8cd98f00b204e9800998ecf8427e"],
    [["foo", ["abc"]], "template.cache.foo.493e283d571a73056196f1a68efd0f66"],
    [["bar", ["abc", "def"]], "template.cache.bar.17c1a507a0cb58384f4c639067a93520"],
    [["spam", ["abc:def%"]], "template.cache.spam.06c8ae8e8c430b69fb0a6443504153dc"],
    [["foo", [1, 2, 3, 4, 5]], "template.cache.foo.7ae8fd2e0d25d651c683bdeebdb29461"],
    [["foo", ["42º", "😀"]], "template.cache.foo.7ced1c94e543668590ba39b3c08b0237"],
    [["foo", ["x".repeat(10_000)]], "template.cache.foo.3670b349b5124aa56bdb50678b02b23a"],
  ];
  for (const [args, key] of cases) assert.equal(makeTemplateFragmentKey(...args), key, JSON.stringify(args).slice(0, 40));
});

test("vary-on values print as Python's str(): None, True, 1, 1.5, lists", () => {
  // Python: md5 of "None:True:1:1.5:[1, 'a']:" (1 and "1" collide, as in Django).
  assert.equal(makeTemplateFragmentKey("x", [null, true, 1, 1.5, [1, "a"]]), makeTemplateFragmentKey("x", ["None", "True", "1", "1.5", "[1, 'a']"]));
  assert.equal(makeTemplateFragmentKey("x", [1]), makeTemplateFragmentKey("x", ["1"]));
  assert.equal(makeTemplateFragmentKey("x", ["a:b"]), makeTemplateFragmentKey("x", ["a", "b"]));
  assert.throws(() => makeTemplateFragmentKey("x", "abc"), (e) => e instanceof TypeError && e.code === "INVALID_VARY_ON");
});

test("cacheFragment renders on a miss only, stores for the timeout, and null re-renders", () => {
  const clock = manualClock();
  const cache = new MemoryCache({ clock });
  let renders = 0;
  const render = () => `<b>${++renders}</b>`;
  assert.equal(cacheFragment("test", ["foo"], 2, render, { using: cache }), "<b>1</b>");
  assert.equal(cacheFragment("test", ["foo"], 2, render, { using: cache }), "<b>1</b>");
  assert.equal(cache.get(makeTemplateFragmentKey("test", ["foo"])), "<b>1</b>", "under Django's key");
  assert.equal(cacheFragment("test", ["bar"], 2, render, { using: cache }), "<b>2</b>", "vary-on changes the key");
  clock.advance(2);
  assert.equal(cacheFragment("test", ["foo"], 2, render, { using: cache }), "<b>3</b>", "expired after the timeout");
  cache.set(makeTemplateFragmentKey("test", ["foo"]), null);
  assert.equal(cacheFragment("test", ["foo"], 2, render, { using: cache }), "<b>4</b>", "a cached None re-renders");
  assert.equal(cacheFragment("test", ["z"], 0, render, { using: cache }), "<b>5</b>");
  assert.equal(cacheFragment("test", ["z"], -1, render, { using: cache }), "<b>6</b>", "0 or negative: every time");
  assert.equal(cacheFragment("forever", [], null, render, { using: cache }), "<b>7</b>");
  clock.advance(10 * 365 * 86400);
  assert.equal(cacheFragment("forever", [], null, render, { using: cache }), "<b>7</b>", "null is forever");
});

test("the tag's timeout: int() coercion and Django's error text", () => {
  const cache = new MemoryCache();
  const render = () => "x";
  assert.equal(cacheFragment("a", [], "2", render, { using: cache }), "x");
  assert.equal(cacheFragment("b", [], 2.7, render, { using: cache }), "x");
  const bad = [["2.5", "'2.5'"], ["fail", "'fail'"], [[], "[]"], [undefined, "''"]];
  for (const [timeout, repr] of bad) {
    assert.throws(() => cacheFragment("c", [], timeout, render, { using: cache }), (e) =>
      e instanceof TypeError && e.code === "INVALID_FRAGMENT_TIMEOUT" && e.message === `"cache" tag got a non-integer timeout value: ${repr}`);
  }
});

test("which cache: using, else template_fragments, else default; unknown alias is Django's error", () => {
  configureCaches({ default: {}, other: {} });
  cacheFragment("f", [], 60, () => "in default");
  assert.equal(getCache("default").get(makeTemplateFragmentKey("f")), "in default");
  cacheFragment("f", [], 60, () => "in other", { using: "other" });
  assert.equal(getCache("other").get(makeTemplateFragmentKey("f")), "in other");
  configureCaches({ default: {}, template_fragments: {} });
  cacheFragment("g", [], 60, () => "fragments");
  assert.equal(getCache("template_fragments").get(makeTemplateFragmentKey("g")), "fragments");
  assert.equal(getCache("default").get(makeTemplateFragmentKey("g")), undefined);
  assert.throws(() => cacheFragment("g", [], 60, () => "", { using: "nope" }), (e) => e.code === "INVALID_CACHE_NAME" && e.message === "Invalid cache name specified for cache tag: 'nope'");
  configureCaches({ default: {} });
});

test("over the async Cache: a Promise, async render, tags", async () => {
  const cache = new Cache({ store: stores.memory() });
  let renders = 0;
  const render = async () => `r${++renders}`;
  assert.equal(await cacheFragment("p", [1], 60, render, { using: cache, tags: ["products"] }), "r1");
  assert.equal(await cacheFragment("p", [1], 60, render, { using: cache, tags: ["products"] }), "r1");
  await cache.invalidateTags(["products"]);
  assert.equal(await cacheFragment("p", [1], 60, render, { using: cache, tags: ["products"] }), "r2");
});

test("streamFragments sends parts in order as they are ready, fragments from cache when cached", async () => {
  const cache = new MemoryCache();
  const seen = [];
  let releaseSidebar;
  const sidebar = new Promise((resolve) => (releaseSidebar = resolve));
  const page = () =>
    streamFragments(
      [
        "<main>",
        { fragment: "products", timeout: 300, render: () => "<ul>products</ul>", using: cache },
        { fragment: "sidebar", varyOn: ["user:7"], timeout: 30, render: () => sidebar, using: cache },
        async () => "</main>",
      ],
      { onFragment: (name, { hit }) => seen.push(`${name}:${hit ? "hit" : "miss"}`) },
    );
  const reader = page().getReader();
  const decoder = new TextDecoder();
  const read = async () => decoder.decode((await reader.read()).value);
  assert.equal(await read(), "<main>");
  assert.equal(await read(), "<ul>products</ul>", "the shell and first fragment go out before the slow sidebar");
  releaseSidebar("<aside>7</aside>");
  assert.equal(await read(), "<aside>7</aside>");
  assert.equal(await read(), "</main>");
  assert.equal((await reader.read()).done, true);
  assert.deepEqual(seen, ["products:miss", "sidebar:miss"]);
  assert.equal(await new Response(page()).text(), "<main><ul>products</ul><aside>7</aside></main>");
  assert.deepEqual(seen.slice(2), ["products:hit", "sidebar:hit"]);
});
