import type { IndexReader } from "../store/IndexStore.js";
import type { BrandKey, BrandSlugs } from "./brand-slugs.js";
import { resolveCertificate } from "./certificate.js";
import type { CertificateView } from "./certificate.js";
import type { DocumentSource } from "./committed-document.js";
import { tokenIdOfSerial } from "./serial.js";
import type { SerialKeys } from "./serial.js";

/**
 * A partner's batch: many pieces in one call, by token id or by (brand, printed serial). Each is
 * answered on its own, exactly as `GET /v1/certificates/{tokenId}` or `GET /v1/brands/{brand}/items/{serial}`
 * would answer it; one unknown serial fails that item, never the batch.
 */
export type LookupItem = { tokenId: bigint } | { brand: BrandKey; serial: string };

/** An item's outcome: its certificate, or the error its own request would have met. */
export type LookupOutcome = { certificate: CertificateView } | { error: unknown };

export interface LookupSources {
  index: IndexReader;
  documents: DocumentSource;
  serialKeys: SerialKeys;
  slugs: BrandSlugs;
}

/** Items resolved at once: enough to overlap IPFS reads, few enough not to crowd out other clients. */
const CONCURRENCY = 8;

async function lookupOne(sources: LookupSources, item: LookupItem): Promise<CertificateView> {
  const tokenId =
    "tokenId" in item
      ? item.tokenId
      : await tokenIdOfSerial(
          sources.index,
          sources.serialKeys,
          await sources.slugs.idOf(item.brand),
          item.serial,
        );
  return resolveCertificate(sources.index, sources.documents, tokenId);
}

/** The outcome of each item, in the order asked. */
export async function lookupCertificates(
  sources: LookupSources,
  items: readonly LookupItem[],
): Promise<LookupOutcome[]> {
  const outcomes: LookupOutcome[] = new Array<LookupOutcome>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const position = next++;
      try {
        outcomes[position] = { certificate: await lookupOne(sources, items[position]) };
      } catch (error) {
        outcomes[position] = { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return outcomes;
}
