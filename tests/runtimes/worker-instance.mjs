// One Worker (isolate) holding one Cache over the shared KV namespace; POST a list of
// operations (tests/runtimes/instance-ops.mjs). Two of these share env.KV (and env.DB).
import { Cache, stores } from "../../pkg/workerd.js";
import { makeInstance } from "./instance-ops.mjs";

const runs = {};

export default {
  async fetch(request, env) {
    // ?store=d1: the shared D1 database (leases); else the shared KV namespace.
    const d1 = new URL(request.url).searchParams.get("store") === "d1";
    if (d1) await (runs.table ??= stores.sql(env.DB).createCacheTable());
    const run = (runs[d1 ? "d1" : "kv"] ??= makeInstance(Cache, d1 ? stores.sql(env.DB) : stores.cloudflareKV(env.KV)));
    return Response.json(await run(await request.json()));
  },
};
