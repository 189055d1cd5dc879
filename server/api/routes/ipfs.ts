import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Router } from "express";
import type { Request, Response } from "express";
import { InvalidInputError } from "../../errors.js";
import { parseCid } from "../../ipfs/cid.js";
import { normaliseContentPath } from "../../ipfs/content-path.js";
import type { MetadataReader } from "../../ipfs/metadata-store.js";
import { contentTypeFor } from "../../http/content-type.js";
import { sendProblem } from "../../http/problem.js";
import { parseInput } from "../../http/input.js";
import { z } from "zod";

/** What the gateway reads of a query (as IPFS path gateways name them); anything else is a 400. */
export const IpfsQuery = z.strictObject({
  format: z.enum(["raw"]).optional().describe("raw: one verified block (a trustless gateway read)"),
  filename: z.string().max(255).optional().describe("a name whose extension gives a bare CID's media type"),
});

export interface IpfsRouteOptions {
  reader: MetadataReader;
  maxResponseBytes?: number;
}

const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
const RAW_BLOCK_TYPE = "application/vnd.ipld.raw";
/** Content under a CID never changes: cache it for a year and never revalidate. */
const IMMUTABLE = "public, max-age=31536000, immutable";
/** Bytes from IPFS are untrusted: never let them run as a page of this origin. */
const SANDBOX =
  "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; sandbox";

/**
 * `GET /ipfs/:cid[/path]`: a verifying gateway. Every byte served has been checked against
 * the CID (block by block for large files); `?format=raw` serves one verified block, which
 * makes this route a trustless gateway another Hallmark instance can read through.
 */
export function ipfsRouter(options: IpfsRouteOptions): Router {
  const { reader } = options;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const router = Router();

  router.get("/ipfs/:cid{/*path}", async (request: Request, response: Response) => {
    const query = parseInput(IpfsQuery, request.query, "query");
    const cid = parseCid(String(request.params.cid));
    const rawPath: unknown = request.params.path;
    const segments = normaliseContentPath(Array.isArray(rawPath) ? rawPath.map(String) : undefined);
    const path = segments.length > 0 ? segments.join("/") : undefined;

    if (query.format === "raw" || wantsRawBlock(request)) {
      if (path !== undefined)
        throw new InvalidInputError("?format=raw serves a block: address it by CID, without a path");
      const block = await reader.getBlock(cid);
      setImmutableHeaders(response, `"${cid.toString()}.raw"`);
      response.type(RAW_BLOCK_TYPE).send(Buffer.from(block));
      return;
    }

    const stat = await reader.stat(cid, { path });
    const etag = `"${stat.cid.toString()}"`;
    setImmutableHeaders(response, etag);
    response.setHeader("X-Ipfs-Path", `/ipfs/${cid.toString()}${path === undefined ? "" : `/${path}`}`);
    if (request.get("if-none-match") === etag) {
      response.status(304).end();
      return;
    }

    if (stat.type === "directory") {
      const entries = await reader.list(cid, { path });
      response.json({
        cid: stat.cid.toString(),
        entries: entries.map((entry) => ({
          name: entry.name,
          cid: entry.cid.toString(),
          size: Number(entry.size),
        })),
      });
      return;
    }

    const size = Number(stat.size);
    let offset = 0;
    let length = size;
    let status = 200;
    const ranges = request.headers.range === undefined ? undefined : request.range(size, { combine: true });
    if (ranges === -1) {
      response.setHeader("Content-Range", `bytes */${size}`);
      sendProblem(response, {
        type: "https://hallmark.dev/problems/range-not-satisfiable",
        title: "Range not satisfiable",
        status: 416,
      });
      return;
    }
    // Malformed or multi-part ranges are ignored, as RFC 9110 allows: the client gets it all.
    if (Array.isArray(ranges) && ranges.type === "bytes" && ranges.length === 1) {
      offset = ranges[0].start;
      length = ranges[0].end - ranges[0].start + 1;
      status = 206;
      response.setHeader("Content-Range", `bytes ${offset}-${ranges[0].end}/${size}`);
    }

    // The read's deadline covers the first block; the rest of the body is bounded per block
    // (the reader's idle timeout) and stops when the client goes away.
    const clientGone = new AbortController();
    response.once("close", () => clientGone.abort());
    const { body } = await reader.stream(cid, {
      path,
      offset,
      length,
      maxBytes: maxResponseBytes,
      signal: clientGone.signal,
    });
    const iterator = body[Symbol.asyncIterator]();
    // Read (and so verify) the first block before any header leaves: a bad single-block
    // document becomes a clean problem response instead of a cut connection.
    const first = await iterator.next();
    const head = first.done === true ? new Uint8Array() : first.value;
    response.status(status);
    // A bare CID has no name: `?filename=` (as on IPFS path gateways) gives the extension the type comes from.
    const filename = query.filename;
    response.setHeader(
      "Content-Type",
      contentTypeFor(path ?? filename, offset === 0 ? head : new Uint8Array()),
    );
    response.setHeader("Content-Length", String(length));
    if (request.method === "HEAD" || length === 0) {
      response.end();
      await iterator.return?.();
      return;
    }
    async function* rest(): AsyncGenerator<Uint8Array> {
      if (first.done !== true) yield first.value;
      for (let next = await iterator.next(); next.done !== true; next = await iterator.next())
        yield next.value;
    }
    await pipeline(Readable.from(rest()), response);
  });

  return router;
}

function wantsRawBlock(request: Request): boolean {
  return (request.get("accept") ?? "").includes(RAW_BLOCK_TYPE);
}

function setImmutableHeaders(response: Response, etag: string): void {
  response.setHeader("ETag", etag);
  response.setHeader("Cache-Control", IMMUTABLE);
  response.setHeader("Accept-Ranges", "bytes");
  response.setHeader("X-Content-Type-Options", "nosniff");
  response.setHeader("Content-Security-Policy", SANDBOX);
}
