import type { IncomingMessage } from "node:http";

/**
 * The address a request is counted against (rate limits). Without a trusted proxy, the socket's
 * peer. Behind one (`HALLMARK_TRUST_PROXY`, which trusts every hop as Express's `trust proxy`
 * = true does), the first address of X-Forwarded-For: the client as the outermost proxy saw it.
 */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const header = request.headers["x-forwarded-for"];
    const first = (Array.isArray(header) ? header[0] : header)?.split(",")[0]?.trim();
    if (first !== undefined && first !== "") return first;
  }
  return request.socket.remoteAddress ?? "unknown";
}
