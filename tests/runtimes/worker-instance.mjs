// One Worker (isolate) holding one Cache over the shared KV namespace; POST a list of
// operations (tests/runtimes/instance-ops.mjs). Two of these share env.KV.
import { Cache, stores } from "../../pkg/workerd.js";
import { makeInstance } from "./instance-ops.mjs";

let run;

export default {
  async fetch(request, env) {
    run ??= makeInstance(Cache, stores.cloudflareKV(env.KV));
    return Response.json(await run(await request.json()));
  },
};
