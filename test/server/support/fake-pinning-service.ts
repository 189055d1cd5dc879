import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { CID } from "multiformats/cid";
import { listen } from "./http-server.js";

/**
 * A stand-in for a remote pinning service in tests only: the IPFS Pinning Service API v1.0.0
 * (ipfs.github.io/pinning-services-api-spec) as a service answers it. Bearer token required
 * (401 with the spec's error object otherwise); `POST /pins` answers 202 with a PinStatus
 * `queued`; `GET /pins?cid=…&status=…` and `GET /pins/{requestid}` report it. The service's own
 * fetching is the test's to drive: `settle(cid, "pinned" | "failed")`.
 */
type Status = "queued" | "pinning" | "pinned" | "failed";

interface StoredPin {
  requestid: string;
  status: Status;
  created: string;
  pin: { cid: string; name?: string; origins?: string[]; meta?: Record<string, string> };
  delegates: string[];
  info?: Record<string, string>;
}

export interface FakePinningService {
  url: string;
  token: string;
  pins: Map<string, StoredPin>;
  settle(cid: string, status: Status): void;
  close(): Promise<void>;
}

async function jsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString() || "null");
}

function send(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(value));
}

const failure = (reason: string, details: string) => ({ error: { reason, details } });

export async function startFakePinningService(token = "psa-test-token"): Promise<FakePinningService> {
  const pins = new Map<string, StoredPin>();
  const server = await listen((request, response) => {
    void (async () => {
      if (request.headers.authorization !== `Bearer ${token}`)
        return send(response, 401, failure("UNAUTHORIZED", "Access token is missing or invalid"));
      const url = new URL(request.url ?? "/", "http://psa");
      if (request.method === "POST" && url.pathname === "/pins") {
        const body = (await jsonBody(request)) as StoredPin["pin"] | null;
        try {
          CID.parse(body?.cid ?? "");
        } catch {
          return send(response, 400, failure("BAD_REQUEST", "cid is not a valid CID"));
        }
        const stored: StoredPin = {
          requestid: randomUUID(),
          status: "queued",
          created: new Date().toISOString(),
          pin: body!,
          delegates: ["/dns4/psa.example/tcp/4001/p2p/12D3KooWEXAMPLE"],
        };
        pins.set(stored.requestid, stored);
        return send(response, 202, stored);
      }
      if (request.method === "GET" && url.pathname === "/pins") {
        const cids = url.searchParams.get("cid")?.split(",");
        const statuses = (url.searchParams.get("status") ?? "pinned").split(",");
        const results = [...pins.values()].filter(
          (pin) => (cids === undefined || cids.includes(pin.pin.cid)) && statuses.includes(pin.status),
        );
        return send(response, 200, { count: results.length, results });
      }
      const match = /^\/pins\/([^/]+)$/.exec(url.pathname);
      if (request.method === "GET" && match !== null) {
        const stored = pins.get(decodeURIComponent(match[1]));
        if (stored === undefined)
          return send(response, 404, failure("NOT_FOUND", "The specified resource was not found"));
        return send(response, 200, stored);
      }
      return send(response, 404, failure("NOT_FOUND", "The specified resource was not found"));
    })().catch((error: unknown) => send(response, 500, failure("INTERNAL_SERVER_ERROR", String(error))));
  });
  return {
    url: server.url,
    token,
    pins,
    settle(cid, status) {
      for (const pin of pins.values())
        if (pin.pin.cid === cid) {
          pin.status = status;
          if (status === "failed") pin.info = { status_details: "could not find the content on the network" };
        }
    },
    close: server.close,
  };
}
