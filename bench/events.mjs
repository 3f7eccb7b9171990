// What events cost: get-hit of a 6-field object and of a 100 B string on a MemoryCache and
// through an async Cache's memory tier (10,000 entries), with no listener, after a listener
// was added and removed, with a listener on another cache, and with a listener on this one.
// Interleaved blocks, medians of 15 rounds, one process; writes bench/EVENTS-RESULTS.md.
// Usage: node --expose-gc bench/events.mjs
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { Cache, MemoryCache, stores } from "../pkg/node.js";

// EDGECACHE_BASELINE=<a pkg/ built from an earlier commit> adds its get-hit, interleaved with
// ours: what "no listener" costs against a build without events.
const baseline = process.env.EDGECACHE_BASELINE
  ? await import(pathToFileURL(`${process.env.EDGECACHE_BASELINE}/node.js`).href)
  : undefined;

const N = 10_000;
const ROUNDS = 15;
const BLOCK = 20_000;
const values = {
  "6-field object": { id: 7, name: "Ada Lovelace", email: "ada@example.com", active: true, score: 97.5, tags: ["math", "engines"] },
  "100 B string": "x".repeat(100),
};
const keys = Array.from({ length: N }, (_, i) => `k${i}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function caches(value, lib = { Cache, MemoryCache, stores }) {
  const memory = new lib.MemoryCache({ maxEntries: N * 2 });
  const tiered = new lib.Cache({ store: lib.stores.memory(), memory: { maxEntries: N * 2 } });
  for (const k of keys) {
    memory.set(k, value, null);
    await tiered.set(k, value, null);
  }
  return { memory, tiered };
}

function timeSync(cache) {
  const t = process.hrtime.bigint();
  let sink = 0;
  for (let i = 0; i < BLOCK; i++) sink ^= cache.get(keys[i % N]) === undefined ? 1 : 0;
  if (sink) throw new Error("a miss");
  return Number(process.hrtime.bigint() - t) / BLOCK;
}

async function timeAsync(cache) {
  const t = process.hrtime.bigint();
  for (let i = 0; i < BLOCK; i++) if ((await cache.get(keys[i % N])) === undefined) throw new Error("a miss");
  return Number(process.hrtime.bigint() - t) / BLOCK;
}

// Each state is set up before its block and undone after, so the blocks interleave.
const states = {
  "no listener": { enter() {}, leave() {} },
  "after on() then off()": {
    enter(c) {
      const listener = () => {};
      c.on("miss", listener);
      c.off("miss", listener);
    },
    leave() {},
  },
  "a listener on another cache": {
    enter(c, other) {
      this.off = other.on("hit", () => {});
    },
    leave() {
      this.off();
    },
  },
  "a hit listener on this cache": {
    enter(c) {
      this.off = c.on("hit", () => {});
    },
    leave() {
      this.off();
    },
  },
};

const rows = [];
for (const [kind, value] of Object.entries(values)) {
  const { memory, tiered } = await caches(value);
  const others = { memory: new MemoryCache(), tiered: new Cache({ store: stores.memory() }) };
  const samples = {};
  const base = baseline && (await caches(value, baseline));
  for (let round = 0; round < ROUNDS; round++) {
    if (base) {
      timeSync(base.memory);
      globalThis.gc?.();
      (samples["MemoryCache|baseline build"] ??= []).push(timeSync(base.memory));
      await timeAsync(base.tiered);
      globalThis.gc?.();
      (samples["Cache tier|baseline build"] ??= []).push(await timeAsync(base.tiered));
    }
    for (const [state, s] of Object.entries(states)) {
      for (const [name, cache] of [["MemoryCache", memory], ["Cache tier", tiered]]) {
        const other = name === "MemoryCache" ? others.memory : others.tiered;
        // Listening allocates an event per get: collect it now, not in the next state's block.
        globalThis.gc?.();
        s.enter(cache, other);
        // One untimed block first: the previous state's code paths may have left the JIT to
        // re-optimise this one, which is a cost of switching states, not of the state.
        const run = () => (name === "MemoryCache" ? timeSync(cache) : timeAsync(cache));
        await run();
        globalThis.gc?.();
        const ns = await run();
        s.leave(cache, other);
        (samples[`${name}|${state}`] ??= []).push(ns);
      }
    }
  }
  for (const name of ["MemoryCache", "Cache tier"]) {
    // (Not `base`: that name holds the baseline build's caches, and a rows list that tested the
    // median instead asked for baseline rows no run without EDGECACHE_BASELINE has.)
    const quiet = median(samples[`${name}|no listener`]);
    for (const state of [...(baseline ? ["baseline build"] : []), ...Object.keys(states)]) {
      const ns = median(samples[`${name}|${state}`]);
      rows.push(`| ${kind} | ${name} | ${state} | ${ns.toFixed(0)} | ${(ns / quiet).toFixed(2)}x |`);
      console.log(`${kind} ${name} ${state}: ${ns.toFixed(0)} ns (${(ns / quiet).toFixed(2)}x)`);
    }
  }
}

writeFileSync(new URL("./EVENTS-RESULTS.md", import.meta.url), [
  "# Events: what a listener costs a get-hit",
  "",
  `\`node --expose-gc bench/events.mjs\` (in \`make bench\`), Node ${process.version}: get-hit of ${N.toLocaleString("en")} entries, blocks of ${BLOCK.toLocaleString("en")} gets interleaved across the states (each after an untimed block of the same), medians of ${ROUNDS} rounds; ns per get and the ratio to no listener. A MemoryCache with a listener gets its own observing read methods (deleted with its last listener; others are untouched); the async Cache tests one field per read.${baseline ? ` "baseline build" rows: the same gets on ${process.env.EDGECACHE_BASELINE_LABEL ?? `the build in ${process.env.EDGECACHE_BASELINE}`}, interleaved with ours.` : ""}`,
  "",
  "| value | cache | state | ns per get | ratio |",
  "|---|---|---|---:|---:|",
  ...rows,
  "",
].join("\n"));
