import { Router } from "express";
import type { Response } from "express";
import { listedCertificate, resolveCertificate } from "../../verification/certificate.js";
import { detailsAllVerified, provenanceOf } from "../../verification/provenance.js";
import { tokenIdOfSerial } from "../../verification/serial.js";
import { awaitIndexedBlock } from "../../verification/min-block.js";
import {
  BrandIdOrSlug,
  CertificateListQuery,
  LookupItemRequest,
  LookupRequest,
  MAX_LOOKUP_ITEMS,
  NoQuery,
  MinBlockQuery,
  parseInput,
  ProvenanceQuery,
  Serial,
  TokenId,
} from "./schemas.js";
import { z } from "zod";
import type { AnswerCache } from "../answer-cache.js";
import { uncachedAnswer } from "../answer-cache.js";
import type { BrandSlugs } from "../../verification/brand-slugs.js";
import { ContentTooLargeError, InvalidInputError } from "../../errors.js";
import { problemFor } from "../../http/problem.js";
import { chargeRateLimit } from "../../http/rate-limit.js";
import { lookupCertificates } from "../../verification/lookup.js";
import type { LookupItem } from "../../verification/lookup.js";
import type { V1Dependencies } from "./v1-dependencies.js";
import { sendAnswer, sendJson } from "./v1-dependencies.js";

// Built once: zod compiles a schema on its first parse, which costs ~30 µs a request if built per request.
const TokenIdParams = z.object({ tokenId: TokenId });
const SerialParams = z.object({ brand: BrandIdOrSlug, serial: Serial });

/** A malformed item's 400, its fields named by the item's place in the batch. */
function itemError(error: unknown, position: number): unknown {
  if (!(error instanceof InvalidInputError)) return error;
  const details = error.details.map((detail) => ({
    ...detail,
    path: detail.path.replace(/^body/, `body.items.${position}`),
  }));
  return new InvalidInputError(`Malformed item ${position}: ${details.map((d) => d.path).join(", ")}`, {
    details,
  });
}

/** Cache keys of the hot answers (shared with the fast path, server/api/fast-path.ts). */
export const certificateAnswerKey = (tokenId: bigint): string => `certificate:${tokenId.toString()}`;
export const provenanceAnswerKey = (
  tokenId: bigint,
  cursor: string | undefined,
  limit: number | undefined,
  include?: "details",
): string =>
  `provenance:${tokenId.toString()}:${limit ?? ""}:${cursor ?? ""}${include === undefined ? "" : `:${include}`}`;

export function certificatesRouter(deps: V1Dependencies, answers: AnswerCache, slugs: BrandSlugs): Router {
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
      brandId: query.brand === undefined ? undefined : await slugs.idOf(query.brand),
      owner: query.owner,
      status: query.status,
      cursor: query.cursor,
      limit: query.limit,
    });
    const items = await Promise.all(
      page.items.map((record) => listedCertificate(verifier.index, verifier.documents, record)),
    );
    sendJson(response, deps.freshness(), { items, nextCursor: page.nextCursor });
  });

  router.post("/v1/certificates/lookup", async (request, response) => {
    parseInput(NoQuery, request.query, "query");
    const { items } = parseInput(LookupRequest, request.body, "body");
    if (items.length > MAX_LOOKUP_ITEMS)
      throw new ContentTooLargeError(
        `A lookup takes up to ${MAX_LOOKUP_ITEMS} items; this one has ${items.length}`,
      );
    // A batch spends the rate budget of the requests it replaces: one per item (the first is spent).
    chargeRateLimit(response, items.length - 1);
    const freshness = deps.freshness();
    const parsed = items.map((item, position): { item: LookupItem } | { error: unknown } => {
      try {
        return { item: parseInput(LookupItemRequest, item, "body") };
      } catch (error) {
        // Named by its place in the batch: body.items.3.tokenId.
        return { error: itemError(error, position) };
      }
    });
    const wanted = parsed.flatMap((entry) => ("item" in entry ? [entry.item] : []));
    const found = await lookupCertificates(
      { index: verifier.index, documents: verifier.documents, serialKeys: deps, slugs },
      wanted,
    );
    let next = 0;
    const outcomes = parsed.map((entry) => ("item" in entry ? found[next++] : entry));
    const answers = outcomes.map((outcome) => {
      if ("certificate" in outcome) return outcome.certificate;
      const { problem } = problemFor(outcome.error);
      // The verifier failing (its index unreachable) is no answer about the item: the whole call is retried.
      if (problem.status >= 500) throw outcome.error;
      return problem;
    });
    sendJson(response, freshness, { items: answers });
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
    const key = provenanceAnswerKey(tokenId, query.cursor, query.limit, query.include);
    const cached = answers.get(key);
    if (cached !== undefined) return sendAnswer(response, cached, freshness);
    const version = answers.currentVersion();
    const page = await provenanceOf(
      verifier.index,
      tokenId,
      query,
      query.include === "details" ? verifier.documents : undefined,
    );
    const body = { tokenId: tokenId.toString(), items: page.items, nextCursor: page.nextCursor };
    // As for certificates: a detail IPFS could not give now may verify on the next request.
    sendAnswer(
      response,
      detailsAllVerified(page.items) ? answers.set(key, body, version) : uncachedAnswer(body),
      freshness,
    );
  });

  router.get("/v1/brands/:brand/items/:serial", async (request, response) => {
    const { brand, serial } = parseInput(SerialParams, request.params, "path");
    const { minBlock } = parseInput(MinBlockQuery, request.query, "query");
    await reachMinBlock(minBlock);
    const tokenId = await tokenIdOfSerial(verifier.index, deps, await slugs.idOf(brand), serial);
    await sendCertificate(response, tokenId);
  });

  return router;
}
