import type { RequestListener } from "node:http";
import express from "express";
import type { Express } from "express";
import type { Logger } from "pino";
import type { MetadataReader } from "./ipfs/metadata-store.js";
import { AnswerCache } from "./api/answer-cache.js";
import { hotAnswerFastPath, withFastPath } from "./api/fast-path.js";
import { verifierOpenApi } from "./api/openapi.js";
import { catalogueRouter } from "./api/routes/catalogue.js";
import { certificatesRouter } from "./api/routes/certificates.js";
import { eventsRouter } from "./api/routes/events.js";
import { healthRouter } from "./api/routes/health.js";
import { ipfsRouter } from "./api/routes/ipfs.js";
import { openApiRouter } from "./api/routes/openapi.js";
import { passkeysRouter } from "./api/routes/passkeys.js";
import { passkeysOpenApi } from "./api/passkeys-openapi.js";
import { passportRouter } from "./api/routes/passport.js";
import { proofsRouter } from "./api/routes/proofs.js";
import { resolverRouters } from "./api/routes/resolver.js";
import { KnownLinks, resolverFastPath } from "./api/resolver-fast-path.js";
import { tapsRouter } from "./api/routes/taps.js";
import { tagsOpenApi } from "./api/tags-openapi.js";
import { passportOpenApi } from "./api/passport-openapi.js";
import type { V1Dependencies } from "./api/routes/v1-dependencies.js";
import { clientAddress } from "./http/client-address.js";
import { clientKeyOf } from "./http/client-key.js";
import { jsonBody } from "./http/json-body.js";
import { buildOpenApiDocument as buildDocument } from "./http/openapi.js";
import type { OpenApiPart } from "./http/openapi.js";
import { Problem } from "./http/problem-document.js";
import { notFoundHandler, problemHandler } from "./http/problem.js";
import { rateLimit, TokenBuckets } from "./http/rate-limit.js";
import { publicCors, securityHeaders } from "./http/security-headers.js";
import { claimsRouter } from "./issuer/api/claims-router.js";
import { PartnerKeys } from "./issuer/auth/partner-keys.js";
import { issuerRouter } from "./issuer/api/issuer-router.js";
import type { IssuerApiDependencies } from "./issuer/api/issuer-router.js";
import { issuerOpenApi } from "./issuer/api/openapi.js";
import type { ClaimRelay } from "./issuer/claim-relay.js";
import { createWebRouter } from "./web/index.js";
import type { WebDependencies } from "./web/index.js";
import { webOpenApi } from "./web/openapi.js";
import { tapPageRouter } from "./web/pages/tap.js";
import { sendUnknownPage } from "./web/send-page.js";
import { IndexFreshness } from "./verification/answers/freshness.js";
import type { PassportAccessDependencies } from "./passport/passport-access.js";
import { BrandSlugs } from "./verification/brand-slugs.js";

/**
 * The composition of the HTTP edge: the shared kit (server/http) registered once at the root
 * (security headers, CORS, rate limit, JSON body, the error handler), then the three route groups
 * — the verifier (server/api), the issuer (server/issuer/api) and the pages (server/web) — which
 * never import each other: what one needs of another (the Unknown page for the GS1 resolver, the
 * verifier's sources for the pages) is handed over here.
 */

/**
 * Everything the HTTP app depends on, built by the composition root. Add a field per part
 * (chain, index store, …) as routes arrive; routes take only what they use.
 */
export interface AppDependencies {
  ipfs: MetadataReader;
  logger?: Logger;
  /** Largest file the /ipfs route serves (3D models are large). Default 256 MiB. */
  maxGatewayResponseBytes?: number;
  /** The verifier API (/v1, resolver, health, events); absent: only the IPFS gateway is served. */
  v1?: V1Dependencies;
  /** Requests per minute per client IP (token bucket). Default 600. */
  rateLimitPerMinute?: number;
  /** Requests per minute per partner key (needs the issuer API's key store). Default 6,000. */
  partnerRateLimitPerMinute?: number;
  /** Bytes of serialised hot answers kept (AnswerCache); 0 keeps none. Default 64 MiB. */
  answerCacheBytes?: number;
  /** HALLMARK_PUBLIC_URL: the `servers` entry of /openapi.json (without it `/`, the origin the document was read from). */
  publicUrl?: string;
  /** Express "trust proxy" (set behind a reverse proxy so the rate limit sees client IPs). */
  trustProxy?: boolean;
  /** Largest JSON body. Default 16 KiB. */
  maxJsonBodyBytes?: number;
  /** The customer pages (/v, /g, /claim; server/web), served with the verifier API. */
  web?: Omit<WebDependencies, "v1">;
  /** The authenticated issuer API (/v1/issuer; server/issuer/api), served with the verifier API. */
  issuer?: IssuerApiDependencies;
  /** Submits customers' signed claims from their brand's issuer key (POST /v1/claims); absent: every claim is refused as unrelayed. */
  claimRelay?: ClaimRelay;
  /** Restricted passport tiers (#19): the brands' content keys, the registry's roles; partner keys and audit come from `issuer`. */
  passport?: Omit<PassportAccessDependencies, "keys">;
}

/** Every problem carries the index's freshness too (the extension problemHandler adds below). */
const problemsWithFreshness: OpenApiPart = {
  operations: [],
  schemas: { Problem: Problem.extend({ index: IndexFreshness.optional() }) },
};

/** The OpenAPI document of every route group (served at /openapi.json). */
export function buildOpenApiDocument(
  options: { serverUrl?: string; version?: string } = {},
): Record<string, unknown> {
  return buildDocument(
    [
      verifierOpenApi,
      webOpenApi,
      issuerOpenApi,
      tagsOpenApi,
      passkeysOpenApi,
      passportOpenApi,
      problemsWithFreshness,
    ],
    {
      title: "Hallmark verifier",
      description:
        "Authenticity, ownership and provenance of certified pieces, answered from an index of the chain. Every answer carries `index: { block, caughtUp }`; errors are RFC 9457 problem+json; an unknown query parameter is a 400. Every rate-limited answer carries `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-headers); a partner key (`hallmark partner-key create`), sent as `Authorization: Bearer hmk_…` on any verifier route, spends its own larger budget.",
      ...options,
    },
  );
}

/** Builds the verifier's Express app without listening (tests mount it; main serves createVerifierHttp's listener). */
export function createApp(deps: AppDependencies): Express {
  return createVerifierHttp(deps).app;
}

/**
 * The app and the request listener a server should use: the hot answers' fast path
 * (server/api/fast-path.ts) in front of the app, sharing its answer cache and rate-limit buckets.
 */
export function createVerifierHttp(deps: AppDependencies): { app: Express; listener: RequestListener } {
  const app = express();
  const trustProxy = deps.trustProxy ?? false;
  // Rate budgets per IPv4 address or IPv6 /64 (one home or host holds a whole /64).
  const clientOf = (request: Parameters<RequestListener>[0]): string =>
    clientKeyOf(clientAddress(request, trustProxy));
  const buckets = new TokenBuckets({ perMinute: deps.rateLimitPerMinute ?? 600 });
  app.disable("x-powered-by");
  app.set("etag", false); // ETags are CIDs, set by the routes; Express's weak hashes would clash.
  app.set("trust proxy", trustProxy);
  app.set("query parser", "simple"); // No nested objects from ?a[b]=c: every query value is a string (or a 400).
  app.use(securityHeaders());
  app.use(publicCors());
  let listener: RequestListener = app;
  if (deps.v1 !== undefined) {
    const v1 = deps.v1;
    const answers = new AnswerCache({
      version: () => v1.verifier.index.contentVersion(),
      changedTokens: (since) => v1.verifier.index.contentChanges?.(since) ?? null,
      maxBytes: deps.answerCacheBytes,
    });
    // The resolver's links resolved once, for its own fast path (#19: server/api/resolver-fast-path.ts).
    const knownLinks = new KnownLinks();
    const hot = hotAnswerFastPath({ answers, freshness: v1.freshness, buckets, clientOf });
    const resolverHot = resolverFastPath({
      answers,
      known: knownLinks,
      freshness: v1.freshness,
      buckets,
      clientOf,
      publicUrl: deps.publicUrl,
      trustProxy,
    });
    listener = withFastPath(
      (request, response) => hot(request, response) || resolverHot(request, response),
      app,
    );
    // Partner keys live in the issuer API's key store: without it, every client spends its address's budget.
    const partnerKeys = deps.issuer === undefined ? undefined : new PartnerKeys(deps.issuer.keys);
    const partnerBuckets = new TokenBuckets({
      perMinute: deps.partnerRateLimitPerMinute ?? 6_000,
      policy: "partner",
    });
    app.use(
      rateLimit({
        perMinute: deps.rateLimitPerMinute ?? 600,
        exempt: ["/healthz", "/readyz"],
        buckets,
        clientOf,
        partnerOf: async (request) => {
          const key = await partnerKeys?.partnerOf(request.headers.authorization);
          return key === undefined ? undefined : { id: key.id, buckets: partnerBuckets };
        },
      }),
    );
    // Before the 16 KiB body parser: the issuer API authenticates first, then parses its own larger bodies.
    if (deps.issuer !== undefined) app.use(issuerRouter(deps.issuer));
    app.use(jsonBody(deps.maxJsonBodyBytes));
    app.use(healthRouter(v1.freshness, v1.backup));
    app.use(openApiRouter(buildOpenApiDocument({ serverUrl: deps.publicUrl })));
    // One slug table for both route groups that name brands (rebuilt when the index changes).
    const slugs = new BrandSlugs(v1.verifier.index);
    // The Digital Product Passport (#19): its tiers as JSON, its verifiable credential, the status lists.
    app.use(
      passportRouter(
        v1,
        deps.passport && {
          ...deps.passport,
          keys: deps.issuer?.keys,
          audit: deps.issuer?.audit,
          logger: deps.logger,
        },
      ),
    );
    app.use(certificatesRouter(v1, answers, slugs));
    app.use(catalogueRouter(v1, slugs));
    app.use(proofsRouter(v1));
    app.use(claimsRouter(deps.claimRelay, v1.freshness));
    app.use(eventsRouter(v1.events, v1.freshness));
    // GS1-Conformant Resolver (#19): /.well-known/gs1resolver and /01/…; compressed links go last (below).
    const resolver = resolverRouters(v1, sendUnknownPage, {
      answers,
      known: knownLinks,
      publicUrl: deps.publicUrl,
    });
    app.use(resolver.resolver);
    // NTAG 424 DNA taps (#18): the JSON answer, and the page a tag's link opens.
    app.use(tapsRouter(v1, deps.claimRelay));
    // Passkey accounts (#17): registration, sponsored user operations, passkey ownership proofs.
    app.use(passkeysRouter(v1));
    if (deps.web !== undefined)
      app.use(tapPageRouter({ verifier: v1.verifier, tags: v1.tags, relay: deps.claimRelay }));
    if (deps.web !== undefined) app.use(createWebRouter({ v1, ...deps.web }));
    // A compressed Digital Link is one path segment: tried after every named route, so it shadows none.
    app.use(resolver.compressed);
  }
  app.use(ipfsRouter({ reader: deps.ipfs, maxResponseBytes: deps.maxGatewayResponseBytes }));
  app.use(notFoundHandler);
  app.use(
    problemHandler(deps.logger, deps.v1 === undefined ? undefined : () => ({ index: deps.v1?.freshness() })),
  );
  return { app, listener };
}
