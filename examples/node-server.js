// A Node HTTP server whose fetch-style handler is cached by cachePage in a MemoryCache:
// PORT=8787 node examples/node-server.js
import { createServer } from "node:http";
import { MemoryCache, cachePage } from "edgecache";

const handler = cachePage(
  (request) => new Response(`hello ${new URL(request.url).pathname}, rendered at ${new Date().toISOString()}`),
  { timeout: 60, cache: new MemoryCache({ maxEntries: 1000 }) },
);

const server = createServer(async (req, res) => {
  const request = new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers: req.headers });
  const response = await handler(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
});
server.listen(Number(process.env.PORT ?? 8787), "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
