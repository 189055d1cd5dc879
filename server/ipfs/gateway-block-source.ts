import type { CID } from "multiformats/cid";
import { DependencyUnavailableError, IntegrityError, NotFoundError } from "../errors.js";
import type { BlockSource } from "./block-source.js";
import { verifyBlock } from "./verified-blockstore.js";

/** UnixFS blocks are at most 1 MiB (Kubo's limit is 2 MiB); anything longer is not a block. */
export const MAX_BLOCK_BYTES = 2 * 1024 * 1024;

/**
 * Fetches single blocks from IPFS trustless gateways (`/ipfs/{cid}?format=raw`, the
 * application/vnd.ipld.raw response type), trying each gateway in turn. Gateways are not
 * trusted: VerifiedBlockstore hashes what they return. Any Hallmark verifier's own /ipfs route
 * speaks this subset, so one instance can read through another's.
 */
export class GatewayBlockSource implements BlockSource {
  private readonly gateways: URL[];

  constructor(
    gateways: readonly (string | URL)[],
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    if (gateways.length === 0) throw new Error("GatewayBlockSource needs at least one gateway URL");
    this.gateways = gateways.map((gateway) => new URL(gateway));
  }

  async getBlock(cid: CID, { signal }: { signal: AbortSignal }): Promise<Uint8Array> {
    let notFound = 0;
    let lastError: unknown;
    let tampered: IntegrityError | undefined;
    for (const gateway of this.gateways) {
      signal.throwIfAborted();
      try {
        return await this.fetchBlock(gateway, cid, signal);
      } catch (error) {
        if (signal.aborted) throw error;
        if (error instanceof NotFoundError) notFound++;
        if (error instanceof IntegrityError) tampered = error;
        lastError = error;
      }
    }
    // A gateway that served wrong bytes is reported as such, not hidden behind "unavailable".
    if (tampered !== undefined) throw tampered;
    if (notFound === this.gateways.length) {
      throw new NotFoundError(`Block ${cid.toString()} not found on any gateway`);
    }
    throw new DependencyUnavailableError(`No gateway could serve block ${cid.toString()}`, 5, {
      cause: lastError,
    });
  }

  private async fetchBlock(gateway: URL, cid: CID, signal: AbortSignal): Promise<Uint8Array> {
    const url = new URL(
      `ipfs/${cid.toString()}?format=raw`,
      gateway.href.endsWith("/") ? gateway : `${gateway.href}/`,
    );
    const response = await this.fetchImpl(url, {
      headers: { accept: "application/vnd.ipld.raw" },
      signal,
      redirect: "error",
    });
    if (response.status === 404 || response.status === 410) {
      await response.body?.cancel();
      throw new NotFoundError(`Block ${cid.toString()} not found at ${gateway.host}`);
    }
    if (!response.ok || response.body === null) {
      await response.body?.cancel();
      throw new DependencyUnavailableError(
        `Gateway ${gateway.host} answered ${response.status} for ${cid.toString()}`,
      );
    }
    const bytes = await readBounded(response.body, MAX_BLOCK_BYTES, gateway.host);
    // Checked here too (VerifiedBlockstore checks again) so that a tampering gateway makes us
    // try the next one instead of failing the read.
    verifyBlock(cid, bytes);
    return bytes;
  }
}

async function readBounded(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
  host: string,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of body) {
    length += chunk.byteLength;
    if (length > maxBytes) {
      await body.cancel().catch(() => undefined);
      throw new DependencyUnavailableError(`Gateway ${host} sent more than ${maxBytes} bytes for one block`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
