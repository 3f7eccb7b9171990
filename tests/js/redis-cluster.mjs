// A real three-master Redis Cluster (Debian's redis-server and redis-cli) on loopback ports.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, pause, spawnRedis } from "./redis-server.mjs";

/** Starts `masters` cluster nodes, joins them, and resolves once every slot is served. */
export async function startCluster(masters = 3) {
  const nodes = [];
  try {
    for (let i = 0; i < masters; i++) {
      const [port, bus] = [await freePort(), await freePort()];
      const dir = mkdtempSync(join(tmpdir(), "edgecache-cluster-"));
      nodes.push({ port, dir, child: null });
      nodes.at(-1).child = await spawnRedis(["--port", String(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes", "--cluster-port", String(bus), "--cluster-config-file", join(dir, "nodes.conf"), "--save", "", "--appendonly", "no", "--dir", dir]);
    }
    const addresses = nodes.map((n) => `127.0.0.1:${n.port}`);
    execFileSync("redis-cli", ["--cluster", "create", ...addresses, "--cluster-yes"], { stdio: "pipe" });
    // Wait until every node agrees the cluster is up (gossip settles in a few hundred ms).
    for (let i = 0; i < 200; i++) {
      const states = nodes.map((n) => execFileSync("redis-cli", ["-p", String(n.port), "cluster", "info"], { encoding: "utf8" }));
      if (states.every((s) => /cluster_state:ok/.test(s) && /cluster_slots_ok:16384/.test(s))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (error) {
    await stopAll(nodes);
    throw error;
  }
  return {
    ports: nodes.map((n) => n.port),
    /** Pauses one node's process (SIGSTOP, resolved once stopped). */
    pause: (index) => pause(nodes[index].child),
    /** Lets a paused node run again (SIGCONT). */
    resume(index) {
      nodes[index].child.kill("SIGCONT");
    },
    stop: () => stopAll(nodes),
  };
}

async function stopAll(nodes) {
  const running = nodes.filter((n) => n.child && n.child.exitCode === null);
  for (const n of running) {
    n.child.kill("SIGCONT");
    n.child.kill("SIGTERM");
  }
  await Promise.all(running.map((n) => new Promise((r) => n.child.once("exit", r))));
  for (const n of nodes) rmSync(n.dir, { recursive: true, force: true });
}
