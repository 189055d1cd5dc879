import { createServer } from "node:net";

/** Whether nothing listens on 127.0.0.1:`port` (we could bind it). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** The first free port from `from` up (at most 100 tried). */
export async function freePort(from: number): Promise<number> {
  for (let port = from; port < from + 100; port++) if (await portIsFree(port)) return port;
  throw new Error(`no free port in ${from}..${from + 99}`);
}

/** `count` consecutive free ports, the first at or above `from`. */
export async function freePortRange(from: number, count: number): Promise<number> {
  for (let first = from; first < from + 1_000; first++) {
    let all = true;
    for (let port = first; port < first + count && all; port++) all = await portIsFree(port);
    if (all) return first;
  }
  throw new Error(`no ${count} consecutive free ports from ${from}`);
}
