// A real redis-server (Debian's) on a free loopback port, with an optional replica.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Sends SIGSTOP to `child` and resolves once the kernel shows it stopped (a signal is delivered
 * asynchronously: a loaded machine may answer one more request first). Linux's /proc.
 */
export async function pause(child) {
  child.kill("SIGSTOP");
  for (let i = 0; i < 500; i++) {
    const stat = readFileSync(`/proc/${child.pid}/stat`, "utf8");
    if (/^\d+ \(.*\) [Tt] /.test(stat)) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`process ${child.pid} did not stop`);
}

/** Spawns redis-server with `args`; resolves to the child once it accepts connections. */
export async function spawnRedis(args) {
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  await new Promise((resolve, reject) => {
    let log = "";
    child.stdout.on("data", (d) => {
      log += d;
      if (/Ready to accept connections/.test(log)) resolve();
    });
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`redis-server exited (${code}): ${log}`)));
  });
  return child;
}

/** Starts redis-server; resolves to { port, stop() } once it accepts connections. */
export async function startRedis({ replicaOf } = {}) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "edgecache-redis-"));
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir];
  if (replicaOf) args.push("--replicaof", "127.0.0.1", String(replicaOf));
  const child = await spawnRedis(args);
  return {
    port,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
