// One deno process holding one Cache over a file-backed Deno KV: runs the operations given
// as JSON (tests/runtimes/instance-ops.mjs) and prints what they returned.
import { Cache, stores } from "../../pkg/deno.js";
import { makeInstance } from "./instance-ops.mjs";

const [kvPath, ops] = Deno.args;
const kv = await Deno.openKv(kvPath);
const run = makeInstance(Cache, stores.denoKV(kv));
console.log(JSON.stringify(await run(JSON.parse(ops))));
kv.close();
