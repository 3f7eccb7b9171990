// The trust regressions where they matter most, through the packed tarball in every runtime:
// a value whose copy throws (an immer-style revoked draft) fails one call and the cache works;
// an onEvict hook that writes its cache or throws neither loops nor kills the process (an
// uncaught throw in a microtask ends a Deno process and fails a Worker's request); a lone
// surrogate key is refused; a record read back under another key is a miss.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { installPacked, bundledWorker, deno, bun, runJson } from "./packed.mjs";

let project;
let remove;

before(() => ({ project, remove } = installPacked()));
after(() => remove?.());

const program = `
const out = {};
const logged = [];
const original = console.error;
console.error = (...args) => logged.push(String(args[0]));
const { proxy, revoke } = Proxy.revocable({ a: 1 }, {});
revoke();
let evictions = 0;
const memory = new MemoryCache({ maxEntries: 2, cullFrequency: 1, onEvict(key) { evictions++; memory.set("last", key); if (evictions === 2) throw new Error("hook"); } });
memory.set("before", 1);
try { memory.set("draft", { draft: proxy }); } catch (e) { out.copy = e.code; }
memory.set("after", { ok: true });
out.usable = memory.get("after");
for (let i = 0; i < 6; i++) memory.set("k" + i, i);
for (let i = 0; i < 20; i++) await null;
out.hook = [evictions > 0 && evictions < 20, memory.stats().hookErrors, logged.some((l) => l.includes("onEvict"))];
try { memory.get("user:\\uD800"); } catch (e) { out.surrogate = e.code; }
const store = stores.memory();
const a = new Cache({ store, keyPrefix: "a", memory: false });
const b = new Cache({ store, keyPrefix: "b", memory: false });
await b.set("secret", "b's");
const [bKey] = [...store.map.keys()];
store.map.set(bKey.replace("b:", "a:"), store.map.get(bKey));
out.otherKey = [await a.get("secret"), a.stats().corruptRecords];
console.error = original;
const result = out;`;

const expected = { copy: "UNSERIALIZABLE_VALUE", usable: { ok: true }, hook: [true, 1, true], surrogate: "INVALID_KEY", otherKey: [null, 1] };
const imports = (spec) => `import { MemoryCache, Cache, stores } from "${spec}";`;
const run = (cmd, args) => runJson(project, cmd, args);

test("trust, Node: through the tarball", () => {
  writeFileSync(join(project, "trust.mjs"), `${imports("edgecache")}\n${program}\nconsole.log(JSON.stringify({ ...result, otherKey: [result.otherKey[0] ?? null, result.otherKey[1]] }));`);
  assert.deepEqual(run(process.execPath, ["trust.mjs"]), expected);
});

test("trust, Bun: through the tarball", () => {
  writeFileSync(join(project, "trust-bun.mjs"), `${imports("edgecache")}\n${program}\nconsole.log(JSON.stringify({ ...result, otherKey: [result.otherKey[0] ?? null, result.otherKey[1]] }));`);
  assert.deepEqual(run(bun, ["trust-bun.mjs"]), expected);
});

test("trust, Deno: through the tarball (an uncaught hook error would end the process)", () => {
  writeFileSync(join(project, "deno.json"), JSON.stringify({ nodeModulesDir: "manual" }));
  writeFileSync(join(project, "trust-deno.mjs"), `${imports("npm:edgecache")}\n${program}\nconsole.log(JSON.stringify({ ...result, otherKey: [result.otherKey[0] ?? null, result.otherKey[1]] }));`);
  assert.deepEqual(run(deno, ["run", "--allow-read", "--allow-env", "trust-deno.mjs"]), expected);
});

test("trust, workerd: a Worker bundled as wrangler does", async () => {
  writeFileSync(join(project, "trust-worker.mjs"), `${imports("edgecache")}\nexport default { async fetch() {${program}\nreturn Response.json({ ...result, otherKey: [result.otherKey[0] ?? null, result.otherKey[1]] }); } };`);
  const mf = bundledWorker(project, "trust-worker.mjs", []);
  try {
    const response = await mf.dispatchFetch("http://localhost/");
    assert.deepEqual(await response.json(), expected);
  } finally {
    await mf.dispose();
  }
});
