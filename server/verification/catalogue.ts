import { NotFoundError } from "../errors.js";
import type { IndexReader, Page, PageRequest } from "../store/IndexStore.js";
import type { BrandRecord, DesignRecord, IssuerCompromise, RoleGrant } from "../store/model.js";
import type { BrandKey, BrandSlugs } from "./brand-slugs.js";
import { verifiedDocument } from "./committed-document.js";
import type { DocumentSource } from "./committed-document.js";
import { chainEventRef, summarise } from "./certificate.js";
import type { BrandSummary, BrandView, DesignView, OwnerItemView } from "./answers/catalogue.js";

/** Brands, garments and holdings as the API shows them. */

/** The answers' shapes are their schemas' (./answers/catalogue.ts), which the OpenAPI document is generated from. */
export type { BrandSummary, BrandView, DesignView, OwnerItemView } from "./answers/catalogue.js";

export function brandSummary(brand: BrandRecord, slug: string): BrandSummary {
  return {
    id: brand.brandId,
    name: brand.name,
    slug,
    metadataURI: brand.metadataURI,
    vault: brand.vault,
    royalty: { receiver: brand.royaltyReceiver, bps: brand.royaltyBps },
    paused: brand.paused,
    pausedReason: brand.pausedReason,
    certificateCount: brand.certificateCount,
    registered: chainEventRef(brand.registered),
  };
}

export async function listBrands(
  index: IndexReader,
  slugs: BrandSlugs,
  page: PageRequest,
): Promise<Page<BrandSummary>> {
  const brands = await index.listBrands(page);
  const items = await Promise.all(
    brands.items.map(async (brand) => brandSummary(brand, await slugs.slugOf(brand.brandId))),
  );
  return { items, nextCursor: brands.nextCursor };
}

export async function brandView(index: IndexReader, slugs: BrandSlugs, key: BrandKey): Promise<BrandView> {
  const brandId = await slugs.idOf(key);
  const brand = await index.getBrand(brandId);
  if (brand === null) throw new NotFoundError(`No brand ${brandId}`);
  const [grants, brandCompromises] = await Promise.all([
    index.listRoleGrants(brandId),
    index.compromisesOf(brandId),
  ]);
  const roles = grants.map((grant: RoleGrant) => ({
    role: grant.role,
    account: grant.account,
    grantedAt: chainEventRef(grant.grantedAt),
  }));
  const compromises = brandCompromises.map((c: IssuerCompromise) => ({
    issuer: c.issuer,
    fromBlock: c.fromBlock,
    declaredBy: c.declaredBy,
    declared: chainEventRef(c),
  }));
  return { ...brandSummary(brand, await slugs.slugOf(brandId)), roles, compromises };
}

export async function designView(
  index: IndexReader,
  documents: DocumentSource,
  designId: bigint,
): Promise<DesignView> {
  const design: DesignRecord | null = await index.getDesign(designId.toString());
  if (design === null) throw new NotFoundError(`No garment design ${designId.toString()}`);
  const brand = await index.getBrand(design.brandId);
  const royalty =
    design.royaltyReceiver !== null
      ? { receiver: design.royaltyReceiver, bps: design.royaltyBps, source: "design" as const }
      : { receiver: brand?.royaltyReceiver ?? null, bps: brand?.royaltyBps ?? 0, source: "brand" as const };
  return {
    designId: design.designId,
    brand: { id: design.brandId, name: brand?.name ?? null },
    creator: design.creator,
    edition: {
      cap: design.maxSupply === 0 ? null : design.maxSupply,
      minted: design.minted,
      burned: design.burned,
      closesAt: design.closesAt === 0 ? null : new Date(design.closesAt * 1000).toISOString(),
      soldOut: design.maxSupply !== 0 && design.minted >= design.maxSupply,
    },
    locked: design.locked,
    redeemable: design.redeemable,
    royalty,
    twin:
      design.twinCollectionRoot === null
        ? null
        : { collectionRoot: design.twinCollectionRoot, claims: design.twinClaimCount },
    created: chainEventRef(design.created),
    metadata: await verifiedDocument(documents, "garment-metadata", design.metadataDigest),
  };
}

export async function ownerItems(
  index: IndexReader,
  owner: string,
  request: PageRequest & { kind?: "certificate" | "garment" },
): Promise<Page<OwnerItemView>> {
  const page = await index.listOwnerItems(owner, request);
  return {
    nextCursor: page.nextCursor,
    items: await Promise.all(
      page.items.map(async (item): Promise<OwnerItemView> =>
        item.kind === "certificate"
          ? { kind: "certificate", certificate: await summarise(index, item.certificate) }
          : {
              kind: "garment",
              garment: {
                designId: item.garment.designId,
                brandId: item.garment.brandId,
                owner: item.garment.owner,
                balance: item.garment.balance,
              },
            },
      ),
    ),
  };
}
