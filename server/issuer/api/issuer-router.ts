import { Router } from "express";
import type { Response } from "express";
import type { Logger } from "pino";
import { ContentTooLargeError, InvalidInputError } from "../../errors.js";
import { jsonBody } from "../../http/json-body.js";
import { NoQuery, parseInput } from "../../http/input.js";
import type { IndexFreshness } from "../../verification/freshness.js";
import type { ApiKeyStore } from "../auth/api-keys.js";
import type { AuditLog } from "../auth/audit-log.js";
import { acceptedMediaType } from "../media.js";
import type { IssuerService } from "../service/issuer-service.js";
import { auditOf, auditProblem, auditTrail } from "./audit-trail.js";
import { apiKeyOf, authorize } from "./authorize.js";
import { mintJobAnswer } from "./mint-job-answer.js";
import {
  AuditQuery,
  BrandParams,
  CertificateParams,
  ClaimCodesBody,
  EventBody,
  IdempotencyKey,
  MintJobBody,
  MintJobParams,
  StatusBody,
} from "./schemas.js";

/**
 * The issuer API (/v1/issuer): the brand workflows of server/issuer over HTTP for brand and
 * partner systems. An HTTP adapter only: it authenticates, parses and answers; IssuerService
 * does the work. Bodies may be large (a manifest with pictures), so this router parses its own,
 * after authentication, with its own limit.
 */
export interface IssuerApiDependencies {
  service: IssuerService;
  keys: ApiKeyStore;
  audit: AuditLog;
  /** Largest request body (a manifest with base64 pictures). Default 32 MiB. */
  maxBodyBytes?: number;
  /** Largest media upload (one picture or model). Default 64 MiB. */
  maxMediaBytes?: number;
  logger?: Logger;
  freshness?: () => IndexFreshness;
}

export const DEFAULT_ISSUER_MAX_BODY_BYTES = 32 * 1024 * 1024;
export const DEFAULT_ISSUER_MAX_MEDIA_BYTES = 64 * 1024 * 1024;

export function issuerRouter(deps: IssuerApiDependencies): Router {
  const router = Router();
  const body = jsonBody(deps.maxBodyBytes ?? DEFAULT_ISSUER_MAX_BODY_BYTES);
  const send = (response: Response, payload: object, status = 200): void => {
    response.setHeader("Cache-Control", "no-store");
    response
      .status(status)
      .json(deps.freshness === undefined ? payload : { ...payload, index: deps.freshness() });
  };

  router.use("/v1/issuer", auditTrail(deps.audit, deps.logger));

  router.post(
    "/v1/issuer/brands/:brand/mint-jobs",
    authorize(deps.keys, "mint-job.create", "mint"),
    body,
    async (request, response) => {
      const { brand } = parseInput(BrandParams, request.params, "path");
      parseInput(NoQuery, request.query, "query");
      const header = IdempotencyKey.safeParse(request.get("idempotency-key"));
      if (!header.success) {
        const message =
          request.get("idempotency-key") === undefined
            ? "required"
            : header.error.issues.map((issue) => issue.message).join("; ");
        throw new InvalidInputError("A mint job needs a valid Idempotency-Key header", {
          details: [{ path: "header.Idempotency-Key", message }],
        });
      }
      const key = header.data;
      const input = parseInput(MintJobBody, request.body, "body");
      deps.service.signerOf(brand); // 503 before any work when the brand has no key here
      const { job, replayed } = await deps.service.mintJobs.create({
        brandId: brand,
        rows: input.rows,
        media: input.media,
        serialVisibility: input.serialVisibility,
        to: input.to,
        idempotencyKey: key,
        createdBy: apiKeyOf(response.locals).id,
      });
      const audit = auditOf(response);
      audit.target = `${job.id} (${job.rows} rows)`;
      audit.detail = replayed ? "idempotent replay" : null;
      const location = `/v1/issuer/brands/${brand}/mint-jobs/${job.id}`;
      response.setHeader("Location", location);
      if (replayed) response.setHeader("Idempotent-Replayed", "true");
      send(response, { job: mintJobAnswer(job), location }, replayed ? 200 : 202);
    },
  );

  // POST to the collection, not PUT to a name: the server names the file by its CID, and a name in
  // the path would suggest a resource to fetch or overwrite that IPFS never keeps. The raw bytes are
  // the body (no JSON, no multipart), streamed into the store, so the JSON limit does not apply.
  router.post(
    "/v1/issuer/brands/:brand/media",
    authorize(deps.keys, "media.upload", "mint"),
    async (request, response) => {
      parseInput(BrandParams, request.params, "path");
      parseInput(NoQuery, request.query, "query");
      const refuse = (error: unknown): never => {
        // The rest of the body is never read: close the connection rather than drain it.
        if (!request.complete) response.setHeader("Connection", "close");
        throw error;
      };
      let mediaType: string;
      try {
        mediaType = acceptedMediaType(request.get("content-type"));
      } catch (error) {
        return refuse(error);
      }
      const maxBytes = deps.maxMediaBytes ?? DEFAULT_ISSUER_MAX_MEDIA_BYTES;
      const declared = Number(request.get("content-length"));
      if (Number.isFinite(declared) && declared > maxBytes)
        refuse(new ContentTooLargeError(`Media above ${maxBytes} bytes`));
      const aborted = new AbortController();
      const onClose = (): void => {
        if (!request.complete) aborted.abort(new Error("client went away"));
      };
      request.once("close", onClose);
      const media = await deps.service
        .uploadMedia(request, { mediaType, maxBytes, signal: aborted.signal })
        .catch(refuse)
        .finally(() => request.off("close", onClose));
      const audit = auditOf(response);
      audit.target = `${media.cid.toString()} (${media.size} bytes, ${mediaType})`;
      audit.detail = media.alreadyPinned ? "already pinned" : null;
      const uri = `ipfs://${media.cid.toString()}`;
      // Same bytes, same CID: a repeated upload is harmless and says so with 200 instead of 201.
      send(
        response,
        { cid: media.cid.toString(), uri, size: media.size, contentType: mediaType },
        media.alreadyPinned ? 200 : 201,
      );
    },
  );

  router.get(
    "/v1/issuer/brands/:brand/mint-jobs/:id",
    authorize(deps.keys, "mint-job.read", "mint"),
    async (request, response) => {
      const { brand, id } = parseInput(MintJobParams, request.params, "path");
      parseInput(NoQuery, request.query, "query");
      auditOf(response).target = id;
      send(response, { job: mintJobAnswer(await deps.service.mintJobs.get(brand, id)) });
    },
  );

  router.post(
    "/v1/issuer/brands/:brand/claim-codes",
    authorize(deps.keys, "claim-codes.create", "claim-codes"),
    body,
    async (request, response) => {
      const { brand } = parseInput(BrandParams, request.params, "path");
      parseInput(NoQuery, request.query, "query");
      const input = parseInput(ClaimCodesBody, request.body, "body");
      // Token ids only: the codes never reach the audit or a log.
      auditOf(response).target = input.tokenIds.map(String).join(",").slice(0, 2_000);
      const result = await deps.service.issueClaimCodes(brand, input.tokenIds, { rotate: input.rotate });
      auditOf(response).detail = `${result.issued.length} issued, ${result.skipped.length} skipped`;
      send(
        response,
        { ...result, notice: "Claim codes are shown once: they are not stored and cannot be shown again." },
        201,
      );
    },
  );

  router.post(
    "/v1/issuer/brands/:brand/events",
    authorize(deps.keys, "event.record", "events"),
    body,
    async (request, response) => {
      const { brand } = parseInput(BrandParams, request.params, "path");
      parseInput(NoQuery, request.query, "query");
      const input = parseInput(EventBody, request.body, "body");
      auditOf(response).target = `${input.kind} ${input.tokenId.toString()}`;
      const result = await deps.service.recordEvent(brand, input);
      send(response, { tokenId: input.tokenId.toString(), kind: input.kind, ...result }, 201);
    },
  );

  router.post(
    "/v1/issuer/brands/:brand/certificates/:tokenId/status",
    authorize(deps.keys, "status.change", "status"),
    body,
    async (request, response) => {
      const { brand, tokenId } = parseInput(CertificateParams, request.params, "path");
      parseInput(NoQuery, request.query, "query");
      const input = parseInput(StatusBody, request.body, "body");
      auditOf(response).target = `${input.action} ${tokenId.toString()}`;
      const result = await deps.service.changeStatus(brand, tokenId, input.action, input.reason);
      send(response, { tokenId: tokenId.toString(), action: input.action, ...result });
    },
  );

  router.get(
    "/v1/issuer/audit",
    authorize(deps.keys, "audit.read", "any", { brandInPath: false }),
    async (request, response) => {
      const query = parseInput(AuditQuery, request.query, "query");
      const key = apiKeyOf(response.locals);
      const items = await deps.audit.list(key.brandId, query);
      send(response, {
        brand: key.brandId,
        items,
        nextBefore: items.length === (query.limit ?? 50) ? items[items.length - 1].id : null,
      });
    },
  );

  router.use("/v1/issuer", auditProblem);
  return router;
}
