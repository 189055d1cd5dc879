import { getAddress } from "ethers";
import type { Signer } from "ethers";
import { InvalidInputError } from "../errors.js";
import type { MetadataStore } from "../ipfs/metadata-store.js";
import { encodeDocument, publishDocument } from "../metadata/metadata-document.js";
import type { HallmarkContracts } from "./contracts.js";
import { callContract } from "./transactions.js";
import type { CallOutcome } from "./transactions.js";

/**
 * A provenance event: its details document is validated and published to IPFS first, then the
 * chain records its sha256. An authenticated resale also moves the certificate to the buyer.
 */
export const PROVENANCE_EVENT_KINDS = {
  sale: 0,
  resale: 1,
  repair: 2,
  inspection: 3,
} as const;

export type ProvenanceEventKindName = keyof typeof PROVENANCE_EVENT_KINDS;

/** The details document's `kind` each on-chain event kind may carry: the two must tell the same story. */
const DOCUMENT_KINDS: Record<ProvenanceEventKindName, readonly string[]> = {
  sale: ["sold"],
  resale: ["authenticated-resale"],
  repair: ["repaired"],
  inspection: ["inspected"],
};

export interface RecordProvenanceOptions {
  contracts: HallmarkContracts;
  signer: Signer;
  store?: MetadataStore;
  tokenId: bigint;
  kind: ProvenanceEventKindName;
  /** The parsed provenance-details document. */
  details: unknown;
  /** Condition 1..10, 0 = not graded. */
  grade?: number;
  /** Resale only: who receives the certificate. */
  buyer?: string;
  dryRun?: boolean;
  confirmations?: number;
}

export interface RecordedProvenance {
  detailsDigest: string;
  detailsCid: string;
  outcome: CallOutcome;
}

export async function recordProvenanceEvent(options: RecordProvenanceOptions): Promise<RecordedProvenance> {
  if (!(options.kind in PROVENANCE_EVENT_KINDS)) {
    throw new InvalidInputError(
      `Unknown event kind "${options.kind}" (one of ${Object.keys(PROVENANCE_EVENT_KINDS).join(", ")})`,
    );
  }
  const grade = options.grade ?? 0;
  if (!Number.isInteger(grade) || grade < 0 || grade > 10)
    throw new InvalidInputError(`The grade must be 0..10, got ${grade}`);
  if (options.kind === "resale" && options.buyer === undefined)
    throw new InvalidInputError("An authenticated resale needs the buyer's address");

  const documentKind = (options.details as { kind?: unknown } | null)?.kind;
  if (typeof documentKind === "string" && !DOCUMENT_KINDS[options.kind].includes(documentKind)) {
    throw new InvalidInputError(
      `A ${options.kind} event needs a details document of kind ${DOCUMENT_KINDS[options.kind].map((k) => `"${k}"`).join(" or ")}, not "${documentKind}"`,
    );
  }
  // Validate before anything is stored or sent; a dry run stores nothing.
  const encoded =
    options.dryRun || options.store === undefined
      ? encodeDocument("provenance-details", options.details)
      : await publishDocument(options.store, "provenance-details", options.details);
  if (!options.dryRun && options.store === undefined)
    throw new InvalidInputError("A metadata store is needed to publish the event details");

  const certificate = options.contracts.certificate.connect(options.signer);
  const outcome =
    options.kind === "resale"
      ? await callContract(
          certificate,
          "authenticatedResale",
          [options.tokenId, getAddress(options.buyer!), encoded.digest, grade],
          options,
        )
      : await callContract(
          certificate,
          "recordProvenance",
          [options.tokenId, PROVENANCE_EVENT_KINDS[options.kind], encoded.digest, grade],
          options,
        );
  return { detailsDigest: encoded.digest, detailsCid: encoded.cid.toString(), outcome };
}
