// The header every demo page shares: the title and the nav, with the current page marked.
const PAGES = [
  ["index.html", "Playground"],
  ["simulator.html", "Workload simulator"],
  ["persistence.html", "Persistence"],
  ["service-worker.html", "Response caching"],
  ["fragments.html", "Fragments"],
  ["edge.html", "At the edge"],
];

const current = location.pathname.split("/").pop() || "index.html";
const header = document.querySelector("header");
header.innerHTML = `<h1>edgecache <small>Django's cache framework, in WebAssembly</small></h1><nav></nav>`;
header.querySelector("nav").append(...PAGES.map(([href, title]) => {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = title;
  if (href === current) a.setAttribute("aria-current", "page");
  return a;
}));
