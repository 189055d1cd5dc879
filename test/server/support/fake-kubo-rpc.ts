import type { IncomingMessage, ServerResponse } from "node:http";
import * as dagPb from "@ipld/dag-pb";
import { CID } from "multiformats/cid";
import { sha256 } from "multiformats/hashes/sha2";
import { listen } from "./http-server.js";

/**
 * A stand-in for a remote Kubo node in tests only (no Kubo binary here): the part of Kubo's RPC
 * API (docs.ipfs.tech/reference/kubo/rpc) the backup copy calls, as Kubo answers it. Every command
 * is a POST under /api/v0; `block/put` takes a multipart file and hashes it under `cid-codec`;
 * `pin/add` pins recursively only when every block of the DAG is held (else Kubo's 500 error
 * object); `pin/ls` lists recursive pins or answers "is not pinned". `failing` makes every call
 * a 500, as a node that is down behind a proxy does.
 */
export interface FakeKubo {
  url: string;
  blocks: Map<string, Uint8Array>;
  pins: Set<string>;
  calls: string[];
  failing: boolean;
  close(): Promise<void>;
}

const RAW = 0x55;

/** Blocks by multihash: Kubo's blockstore is keyed by multihash, whatever CID version asks. */
const keyOf = (cid: CID): string => Buffer.from(cid.multihash.bytes).toString("hex");

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sendError(response: ServerResponse, message: string): void {
  response.writeHead(500, { "content-type": "application/json" });
  response.end(JSON.stringify({ Message: message, Code: 0, Type: "error" }));
}

function sendJson(response: ServerResponse, value: unknown): void {
  response.writeHead(200, { "content-type": "application/json" });
  response.end(JSON.stringify(value) + "\n");
}

export async function startFakeKubo(): Promise<FakeKubo> {
  const state = { blocks: new Map<string, Uint8Array>(), pins: new Set<string>(), calls: [] as string[] };
  let failing = false;

  /** Every block under `cid`, or the first one missing. */
  function missingUnder(cid: CID): CID | null {
    const bytes = state.blocks.get(keyOf(cid));
    if (bytes === undefined) return cid;
    if (cid.code !== dagPb.code) return null;
    for (const link of dagPb.decode(bytes).Links) {
      const missing = missingUnder(link.Hash);
      if (missing !== null) return missing;
    }
    return null;
  }

  const server = await listen((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? "/", "http://kubo");
      const command = url.pathname.replace(/^\/api\/v0\//, "");
      state.calls.push(command);
      if (request.method !== "POST") {
        response.writeHead(405);
        return response.end();
      }
      const body = await bodyOf(request);
      if (failing) return sendError(response, "context deadline exceeded");
      if (command === "block/put") {
        const form = await new Request("http://kubo/", {
          method: "POST",
          headers: { "content-type": request.headers["content-type"] ?? "" },
          body,
        }).formData();
        const file = [...form.values()][0];
        if (!(file instanceof Blob)) return sendError(response, "file argument 'data' is required");
        const bytes = new Uint8Array(await file.arrayBuffer());
        const codec = url.searchParams.get("cid-codec") ?? "raw";
        if (url.searchParams.get("mhtype") !== "sha2-256") return sendError(response, "unsupported mhtype");
        const code = codec === "dag-pb" ? dagPb.code : codec === "raw" ? RAW : null;
        if (code === null) return sendError(response, `unknown cid-codec ${codec}`);
        if (code === dagPb.code) {
          try {
            dagPb.decode(bytes);
          } catch {
            return sendError(response, "invalid dag-pb block");
          }
        }
        const cid = CID.createV1(code, await sha256.digest(bytes));
        state.blocks.set(keyOf(cid), bytes);
        return sendJson(response, { Key: cid.toString(), Size: bytes.byteLength });
      }
      if (command === "pin/add") {
        const arg = url.searchParams.get("arg");
        if (arg === null) return sendError(response, "argument 'ipfs-path' is required");
        const cid = CID.parse(arg.replace(/^\/ipfs\//, ""));
        const missing = missingUnder(cid);
        if (missing !== null)
          return sendError(
            response,
            `pin: block was not found locally (offline): ipld: could not find ${missing.toString()}`,
          );
        state.pins.add(keyOf(cid));
        return sendJson(response, { Pins: [cid.toString()] });
      }
      if (command === "pin/ls") {
        const keys: Record<string, { Type: string }> = {};
        for (const arg of url.searchParams.getAll("arg")) {
          const cid = CID.parse(arg.replace(/^\/ipfs\//, ""));
          if (!state.pins.has(keyOf(cid))) return sendError(response, `path '${arg}' is not pinned`);
          keys[cid.toString()] = { Type: "recursive" };
        }
        return sendJson(response, { Keys: keys });
      }
      return sendError(response, `unknown command ${command}`);
    })().catch((error: unknown) => sendError(response, String(error)));
  });

  return {
    url: server.url,
    ...state,
    get failing() {
      return failing;
    },
    set failing(value: boolean) {
      failing = value;
    },
    close: server.close,
  };
}
