// The sockets a store adapter opens (stores.memcached): each runtime loader installs how its
// runtime connects (node:net, Deno.connect, cloudflare:sockets); `{ connect }` overrides it.
//
// A socket here: `open({ host, port }, { data(bytes), closed(error) })` resolves to
// `{ write(bytes), close() }` once connected; `data` gets each chunk read, `closed` the end.

let opener = null;

/** Installs the runtime's socket opener (a loader's call). */
export function useSockets(open) {
  opener = open;
}

/** The runtime's socket opener, or null where the runtime has none (browsers). */
export function runtimeSockets() {
  return opener;
}

/**
 * A socket over a connection with Web streams (`readable`, `writable`: Deno.Conn,
 * cloudflare:sockets' Socket): the read loop runs until the stream ends or fails.
 */
export function streamSocket(connection, { data, closed }) {
  const writer = connection.writable.getWriter();
  (async () => {
    try {
      for await (const chunk of connection.readable) data(chunk);
      closed(new Error("the server closed the connection"));
    } catch (error) {
      closed(error);
    }
  })();
  return {
    write: (bytes) => writer.write(bytes).catch(closed),
    close() {
      try {
        connection.close();
      } catch {
        // already closed
      }
    },
  };
}
