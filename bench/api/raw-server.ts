/**
 * The baseline: a bare `node:http` server answering every request with one precomputed body
 * (BENCH_BODY_FILE, the size of a typical GET /v1/certificates/:id answer), in its own process
 * like the verifier. Tells the parent its URL over IPC; stops on SIGTERM or when the parent goes away.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const body = readFileSync(process.env.BENCH_BODY_FILE ?? "");
const server = createServer((_request, response) => {
  response.writeHead(200, {
    "content-type": "application/json; charset=utf-8",
    "content-length": body.byteLength,
  });
  response.end(body);
});
server.keepAliveTimeout = 5_000;
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  process.send?.({ url: `http://127.0.0.1:${port}` });
});
const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once("SIGTERM", stop);
process.once("disconnect", stop);
