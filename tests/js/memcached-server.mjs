// Real memcached servers (Debian's memcached) on free loopback ports, started and stopped by
// the tests.
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { freePort, pause } from "./redis-server.mjs";

/** Starts one memcached; resolves to { port, address, stop(), kill(), restart(), pause(), resume() } once it answers. */
export async function startMemcached(port) {
  port ??= await freePort();
  let child;
  const start = async () => {
    child = spawn("memcached", ["-p", String(port), "-l", "127.0.0.1", "-U", "0", "-m", "64", "-u", "root"], { stdio: "ignore" });
    child.on("error", () => {});
    for (let i = 0; i < 100; i++) {
      if (await answers(port)) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`memcached on ${port} did not start`);
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
    }
  };
  await start();
  return { port, address: `127.0.0.1:${port}`, stop, kill: stop, restart: start, pause: () => pause(child), resume: () => child.kill("SIGCONT") };
}

function answers(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}
