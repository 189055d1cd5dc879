import { Router } from "express";
import type { Response } from "express";
import { metadataRef, resolveCertificate, summarise } from "../../verification/certificate.js";
import { provenanceOf } from "../../verification/provenance.js";
import { tokenIdOfSerial } from "../../verification/serial.js";
import { awaitIndexedBlock } from "../../verification/min-block.js";
import {
  BrandId,
  CertificateListQuery,
  MinBlockQuery,
  parseInput,
  ProvenanceQuery,
  Serial,
  TokenId,
} from "./schemas.js";
import { z } from "zod";
import type { AnswerCache } from "../answer-cache.js";
import { uncachedAnswer } from "../answer-cache.js";
import type { V1Dependencies } from "./v1-dependencies.js";
import { sendAnswer, sendJson } from "./v1-dependencies.js";

// Built once: zod compiles a schema on its first parse, which costs ~30 µs a request if built per request.
const TokenIdParams = z.object({ tokenId: TokenId });
const SerialParams = z.object({ brand: BrandId, serial: Serial });

/** Cache keys of the hot answers (shared with the fast path, server/api/fast-path.ts). */
export const certificateAnswerKey = (tokenId: bigint): string => `certificate:${tokenId.toString()}`;
export const provenanceAnswerKey = (
  tokenId: bigint,
  cursor: string | undefined,
  limit: number | undefined,
): string => `provenance:${tokenId.toString()}:${limit ?? ""}:${cursor ?? ""}`;

export function certificatesRouter(deps: V1Dependencies, answers: AnswerCache): Router {
  const { verifier } = deps;
  const router = Router();

  /** `?minBlock=N`: nothing is read before the index holds block N (read your own claim). */
  async function reachMinBlock(minBlock: number | undefined): Promise<void> {
    if (minBlock !== undefined) await awaitIndexedBlock(verifier.index, minBlock);
  }

  /**
   * A certificate as a buyer sees it. Freshness is read before the index: the answer then names
   * the indexed block its body was built at (or one its body still holds for, when cached).
   */
  async function sendCertificate(response: Response, tokenId: bigint): Promise<void> {
    const freshness = deps.freshness();
    const key = certificateAnswerKey(tokenId);
    const cached = answers.get(key);
    if (cached !== undefined) return sendAnswer(response, cached, freshness);
    const version = answers.currentVersion();
    const view = await resolveCertificate(verifier.index, verifier.documents, tokenId);
    // Only verified answers are kept: an unreadable document may be readable on the next request.
    const answer = view.metadata.verified ? answers.set(key, view, version) : uncachedAnswer(view);
    sendAnswer(response, answer, freshness);
  }

  router.get("/v1/certificates", async (request, response) => {
    const query = parseInput(CertificateListQuery, request.query, "query");
    await reachMinBlock(query.minBlock);
    const page = await verifier.index.listCertificates({
      brandId: query.brand,
      owner: query.owner,
      status: query.status,
      cursor: query.cursor,
      limit: query.limit,
    });
    const items = await Promise.all(
      page.items.map(async (record) => ({
        ...(await summarise(verifier.index, record)),
        metadata: metadataRef(record.metadataDigest),
      })),
    );
    sendJson(response, deps.freshness(), { items, nextCursor: page.nextCursor });
  });

  router.get("/v1/certificates/:tokenId", async (request, response) => {
    const { tokenId } = parseInput(TokenIdParams, request.params, "path");
    const { minBlock } = parseInput(MinBlockQuery, request.query, "query");
    await reachMinBlock(minBlock);
    await sendCertificate(response, tokenId);
  });

  router.get("/v1/certificates/:tokenId/provenance", async (request, response) => {
    const { tokenId } = parseInput(TokenIdParams, request.params, "path");
    const query = parseInput(ProvenanceQuery, request.query, "query");
    await reachMinBlock(query.minBlock);
    const freshness = deps.freshness();
    const key = provenanceAnswerKey(tokenId, query.cursor, query.limit);
    const cached = answers.get(key);
    if (cached !== undefined) return sendAnswer(response, cached, freshness);
    const version = answers.currentVersion();
    const page = await provenanceOf(verifier.index, tokenId, query);
    sendAnswer(
      response,
      answers.set(
        key,
        { tokenId: tokenId.toString(), items: page.items, nextCursor: page.nextCursor },
        version,
      ),
      freshness,
    );
  });

  router.get("/v1/brands/:brand/items/:serial", async (request, response) => {
    const { brand, serial } = parseInput(SerialParams, request.params, "path");
    const { minBlock } = parseInput(MinBlockQuery, request.query, "query");
    await reachMinBlock(minBlock);
    const tokenId = await tokenIdOfSerial(verifier.index, deps, brand, serial);
    await sendCertificate(response, tokenId);
  });

  return router;
}
