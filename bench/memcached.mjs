// stores.memcached against memjs (the common Node memcached client) on one real memcached
// (Debian's, started here): get and set of a 6-field object through an async Cache with the
// memory tier off, against memjs get/set of the same object as JSON; and getMany of 100 keys
// against 100 sequential memjs gets. Medians of 7 rounds, one process; writes
// bench/MEMCACHED-RESULTS.md.
// Usage: node bench/memcached.mjs   (needs memcached on PATH)
import { writeFileSync } from "node:fs";
import memjs from "memjs";
import { Cache, stores } from "../pkg/node.js";
import { startMemcached } from "../tests/js/memcached-server.mjs";

const server = await startMemcached();
const store = stores.memcached([server.address]);
const cache = new Cache({ store, memory: false, keyPrefix: "bench" });
const client = memjs.Client.create(server.address, { logger: { log() {} } });
const value = { id: 7, name: "Ada Lovelace", email: "ada@example.com", active: true, score: 97.5, tags: ["math", "engines"] };
const KEYS = 1000;
const keys = Array.from({ length: KEYS }, (_, i) => `k${i}`);
const ROUNDS = 7;

async function time(run, ops) {
  const t = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - t) / 1e3 / ops; // µs per op
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

// Each round runs both sides block by block (100 keys, then the same for memjs), so a machine
// whose speed drifts during the run slows both alike.
async function paired(ours, theirs, ops) {
  const sums = [0, 0];
  for (let i = 0; i < KEYS; i += 100) {
    const block = keys.slice(i, i + 100);
    sums[0] += await time(() => ours(block), 1);
    sums[1] += await time(() => theirs(block), 1);
  }
  return sums.map((us) => us / ops);
}
const memjsGet = async (k) => JSON.parse((await client.get(`bench:${k}`)).value);
const plans = {
  "set (sequential)": [async (b) => { for (const k of b) await cache.set(k, value); }, async (b) => { for (const k of b) await client.set(`bench:${k}`, JSON.stringify(value), {}); }, KEYS],
  "get (sequential)": [async (b) => { for (const k of b) await cache.get(k); }, async (b) => { for (const k of b) await memjsGet(k); }, KEYS],
  "getMany of 100 / 100 sequential gets": [(b) => cache.getMany(b), async (b) => { for (const k of b) await memjsGet(k); }, KEYS / 100],
  "get (100 concurrent)": [(b) => Promise.all(b.map((k) => cache.get(k))), (b) => Promise.all(b.map(memjsGet)), KEYS],
};
const rows = Object.fromEntries(Object.keys(plans).map((k) => [k, [[], []]]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, [ours, theirs, ops]] of Object.entries(plans)) {
    const [a, b] = await paired(ours, theirs, ops);
    rows[name][0].push(a);
    rows[name][1].push(b);
  }
}
store.close();
client.close();
await server.stop();

const lines = Object.entries(rows).map(([name, [ours, theirs]]) => {
  const [a, b] = [median(ours), median(theirs)];
  console.log(`${name}: edgecache ${a.toFixed(1)} µs, memjs ${b.toFixed(1)} µs, ${(b / a).toFixed(2)}x`);
  return `| ${name} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(b / a).toFixed(2)}x |`;
});
writeFileSync(new URL("./MEMCACHED-RESULTS.md", import.meta.url), [
  "# memcached: stores.memcached against memjs",
  "",
  `\`node bench/memcached.mjs\` (in \`make bench\`), Node ${process.version}, one local memcached, a 6-field object (memjs: as JSON), ${KEYS} keys, medians of ${ROUNDS} rounds. µs per operation (getMany row: per batch of 100). edgecache goes through an async \`Cache\` with the memory tier off (records with checksums, expiry, the key rules). Speed-up = memjs / edgecache (targets: at least 1.0x for get and set; at least 3x for getMany of 100 against 100 sequential gets).`,
  "",
  "| operation | edgecache | memjs | speed-up |",
  "|---|---:|---:|---:|",
  ...lines,
  "",
].join("\n"));
