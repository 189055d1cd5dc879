import { z } from "zod";
import { ISSUER_SCOPES } from "../auth/scopes.js";
import { Address, BrandId, TokenId } from "../../verification/id-schemas.js";

/**
 * The edge of the issuer API: path parameters, headers and bodies, parsed before any workflow
 * runs. The same schemas generate the OpenAPI request descriptions (server/issuer/api/openapi.ts).
 */
export const BrandParams = z.object({ brand: BrandId });
export const MintJobParams = z.object({
  brand: BrandId,
  id: z
    .string()
    .regex(/^mj_[0-9a-f]{24}$/, "expected a mint job id (mj_…)")
    .describe("mint job id"),
});
export const CertificateParams = z.object({ brand: BrandId, tokenId: TokenId });

export const IdempotencyKey = z
  .string()
  .min(8, "at least 8 characters (a UUID is ideal)")
  .max(255)
  .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces")
  .describe("client-chosen key: the same key returns the same job instead of minting twice");

const MediaPath = z
  .string()
  .min(1)
  .max(512)
  .describe("path the manifest's images column names, e.g. photos/bag-001.jpg");

export const MintJobBody = z
  .object({
    rows: z
      .array(z.unknown())
      .min(1)
      .max(5_000)
      .describe(
        "manifest rows: objects with the manifest columns of docs/brands.md (serial, productName, materials, images, …)",
      ),
    media: z
      .array(
        z.union([
          z
            .object({
              path: MediaPath,
              contentBase64: z
                .string()
                .min(1)
                .regex(/^[A-Za-z0-9+/=\s]+$/, "expected base64"),
            })
            .strict(),
          z
            .object({
              path: MediaPath,
              uri: z.string().regex(/^ipfs:\/\/[A-Za-z0-9]+$/, "expected ipfs://<cid>"),
            })
            .strict(),
        ]),
      )
      .max(5_000)
      .optional()
      .describe(
        "pictures the rows name: inline (base64) or already on this verifier's IPFS store (ipfs://<cid>)",
      ),
    serialVisibility: z
      .enum(["hashed", "clear"])
      .optional()
      .describe("publish serials in clear or only their salted hash (default hashed)"),
    to: Address.optional().describe("recipient of every certificate (default: the brand's vault)"),
  })
  .strict();

export const ClaimCodesBody = z
  .object({
    tokenIds: z
      .array(TokenId)
      .min(1)
      .max(100)
      .describe("certificates of the brand, owned by (or approved to) the brand's issuer key"),
    rotate: z.boolean().optional().describe("replace an existing claim code (the old one stops working)"),
  })
  .strict();

export const EventBody = z
  .object({
    tokenId: TokenId,
    kind: z.enum(["sale", "resale", "repair", "inspection"]),
    details: z
      .record(z.string(), z.unknown())
      .describe("provenance-details document (hallmark.provenance-details.v1)"),
    grade: z.number().int().min(0).max(10).optional().describe("condition 1..10, 0 = not graded"),
    buyer: Address.optional().describe("resale only: who receives the certificate"),
  })
  .strict();

export const StatusBody = z
  .object({
    action: z.enum(["stolen", "revoke", "restore"]),
    reason: z.string().trim().min(1).max(500).describe("public reason, recorded on-chain"),
  })
  .strict();

export const AuditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  before: z.coerce.number().int().positive().optional().describe("id of the last entry of the previous page"),
});

export const ScopeNames = z.enum(ISSUER_SCOPES);

/** A signed Claim for the relay (POST /v1/claims): the fields of claimWithCode, as the claim page signs them. */
export const ClaimRelayRequest = z.strictObject({
  tokenId: TokenId,
  recipient: Address.describe("the address the signature names; the contract checks it"),
  deadline: z
    .union([
      z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
      z.string().regex(/^[0-9]{1,20}$/, "expected unix seconds"),
    ])
    .transform((value) => BigInt(value))
    .describe("unix seconds (chain time) after which the signature is void"),
  // The claim key is an EOA: a 65-byte ECDSA signature; a 64-byte EIP-2098 one gets its own 400 from the relay.
  signature: z
    .string()
    .regex(/^0x(?:[0-9a-fA-F]{2}){64,65}$/, "expected a 0x-hex ECDSA signature (64 or 65 bytes)"),
});
