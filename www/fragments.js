// Fragment caching: a page streamed from fragments with different timeouts; each fragment
// box says whether it came from the cache and when it was rendered.
import { MemoryCache, makeTemplateFragmentKey, streamFragments } from "/pkg/browser.js";
import { seconds, tableRow } from "./common.js";

const $ = (id) => document.getElementById(id);
const cache = new MemoryCache({ maxEntries: 100 });
const renders = {}; // fragment name -> times rendered

function fragment(name, timeout, varyOn, body) {
  return {
    fragment: name,
    timeout,
    varyOn,
    using: cache,
    render: () => {
      renders[name] = (renders[name] ?? 0) + 1;
      const at = new Date().toLocaleTimeString();
      return `<div class="fragment" data-fragment="${name}"><strong>${name}</strong> <small>timeout ${timeout === null ? "None (forever)" : `${timeout} s`} · rendered at ${at} (render #${renders[name]})</small>${body()}</div>`;
    },
  };
}

function parts(user) {
  return [
    "<article>",
    fragment("sidebar", null, [user], () => `<p>Signed in as <b>${user}</b>. Your saved items: ${user === "alice" ? 3 : 7}.</p>`),
    fragment("news", 10, [], () => `<p>Headline #${Math.floor(Date.now() / 10_000) % 100}: the kettle is back in stock.</p>`),
    fragment("products", 60, [], () => `<ul><li>Espresso cup</li><li>Pour-over kettle</li><li>Burr grinder</li></ul>`),
    fragment("greeting", 0, [], () => `<p>Good ${new Date().getHours() < 12 ? "morning" : "day"}, ${user}!</p>`),
    "</article>",
  ];
}

async function render() {
  const user = $("user").value;
  const hits = {};
  const stream = streamFragments(parts(user), { onFragment: (name, { hit }) => (hits[name] = hit) });
  $("page").innerHTML = await new Response(stream).text();
  for (const box of $("page").querySelectorAll(".fragment")) {
    const hit = hits[box.dataset.fragment];
    box.classList.add(hit ? "hit" : "miss");
    const badge = document.createElement("span");
    badge.className = `badge ${hit ? "hit" : "miss"}`;
    badge.textContent = hit ? "from cache" : "rendered";
    box.append(badge);
  }
  const cached = Object.values(hits).filter(Boolean).length;
  $("summary").textContent = `${cached} of ${Object.keys(hits).length} fragments from the cache`;
  showKeys();
  document.body.dataset.rendered = String(Number(document.body.dataset.rendered ?? 0) + 1);
}

function showKeys() {
  const user = $("user").value;
  const ttls = new Map(cache.entries().map((e) => [e.key, e.ttl]));
  const rows = [["sidebar", [user]], ["news", []], ["products", []], ["greeting", []]].map(([name, varyOn]) => {
    const key = makeTemplateFragmentKey(name, varyOn);
    const made = cache.makeKey(key);
    return tableRow([name + (varyOn.length ? ` (${varyOn})` : ""), key, ttls.has(made) ? seconds(ttls.get(made)) : "not cached"]);
  });
  $("keys").tBodies[0].replaceChildren(...rows);
}

$("render").addEventListener("click", render);
$("user").addEventListener("change", render);
$("delete-products").addEventListener("click", () => {
  const key = makeTemplateFragmentKey("products", []);
  const had = cache.delete(key);
  $("deleted").textContent = `cache.delete(make_template_fragment_key("products")) → ${had} (key ${key})`;
  showKeys();
});
await render();
setInterval(showKeys, 1000);
