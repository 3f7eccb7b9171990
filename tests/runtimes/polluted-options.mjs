// Run in a fresh Node process by tests/js/trust-pages.test.mjs: Object.prototype carries page
// cache option names (as a prototype-pollution bug elsewhere in an app would put them), then
// pages are cached with options that do not set them. Prints what each request was served.
for (const [name, value] of Object.entries({ language: "xx", timeZone: "UTC", stripSetCookie: true, hit: { page: {} }, httpOnly: false, secure: false })) {
  Object.defineProperty(Object.prototype, name, { __proto__: null, configurable: true, get: () => value });
}
const { MemoryCache, cachePage, cacheMiddleware, sessions, getSession } = await import("../../pkg/node.js");
const cache = new MemoryCache();
const out = {};
let rendered = 0;
const byLanguage = cachePage(async (request) => new Response(`${request.headers.get("accept-language")} ${++rendered}`, { headers: { "cache-control": "max-age=60", vary: "Accept-Language" } }), { timeout: 60, cache });
const say = async (lang) => (await byLanguage(new Request("http://host.test/l", { headers: { "accept-language": lang } }))).text();
out.languages = [await say("en"), await say("fr"), await say("en"), await say("fr")];
let cookies = 0;
const setsCookie = cacheMiddleware(async () => new Response(`private ${++cookies}`, { headers: { "cache-control": "max-age=60", "set-cookie": "session=a" } }), { cache });
const visit = async () => (await setsCookie(new Request("http://host.test/c"))).text();
out.setCookie = [await visit(), await visit()];
// A session cookie stays HttpOnly (Django's default) whatever Object.prototype says.
const session = sessions({ engine: "cache", cache })(async (request) => {
  await getSession(request).set("user", 7);
  return new Response("ok");
});
out.cookie = /HttpOnly/i.test((await session(new Request("http://host.test/"))).headers.get("set-cookie") ?? "");
console.log(JSON.stringify(out));
