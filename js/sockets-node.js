// Sockets in Node and Bun (node:net), loaded on the first connection: start-up stays as it is.
export async function nodeSockets({ host, port }, { data, closed }) {
  const { connect } = await import("node:net");
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, noDelay: true });
    socket.once("error", reject);
    socket.once("connect", () => {
      socket.off("error", reject);
      socket.on("error", closed);
      socket.on("data", data);
      socket.on("close", () => closed(new Error("the server closed the connection")));
      resolve({ write: (bytes) => socket.write(bytes), close: () => socket.destroy() });
    });
  });
}
