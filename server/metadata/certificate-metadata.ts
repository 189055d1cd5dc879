import { z } from "zod";
import {
  Attribute,
  Bytes32,
  CalendarDate,
  ContentUri,
  CountryCode,
  Gtin,
  localizedTexts,
  MediaReference,
  NonEmptyText,
  ThreeDimensionalModel,
} from "./common.js";
import { RestrictedSections, TextilePassportData } from "./textile-passport.js";

/** The first version: still valid, still verified; a brand without textile data keeps writing it. */
export const CERTIFICATE_METADATA_SCHEMA_ID = "hallmark.certificate-metadata.v1";
/** v2 adds the textile passport data (`passport.sustainability`) and encrypted tier sections (`passport.restricted`). */
export const CERTIFICATE_METADATA_SCHEMA_V2_ID = "hallmark.certificate-metadata.v2";
export const CERTIFICATE_METADATA_SCHEMA_IDS = [
  CERTIFICATE_METADATA_SCHEMA_ID,
  CERTIFICATE_METADATA_SCHEMA_V2_ID,
] as const;

/**
 * The serial never appears in clear on-chain. The brand either publishes it here, or publishes
 * only `serialHash = keccak256(abi.encodePacked(brandSalt, serial))`, the value the contract holds.
 */
const Serial = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("clear"), value: z.string().min(1).max(100) }),
  z.object({ kind: z.literal("salted-hash"), serialHash: Bytes32 }),
]);

/**
 * An NTAG 424 DNA secure tag bound to the piece at issuance (server/tags/tag-binding.ts): only a
 * salted commitment to its UID, so the document does not name the tag.
 */
const BoundTag = z.object({ kind: z.literal("ntag424-dna"), uidCommitment: Bytes32 }).meta({
  description: "NFC tag bound at issuance: keccak256(brandSalt, 'hallmark:ntag424-dna-uid:' + UID)",
});

const MaterialShare = z.object({
  material: z.string().min(1).max(100),
  percentage: z.number().gt(0).max(100),
  /** Which part of the product ("shell", "lining"); shares are checked per part. */
  part: z.string().min(1).max(100).default("main"),
  origin: CountryCode.optional(),
});

const ProductPassport = z
  .object({
    brand: z.object({ name: NonEmptyText, id: Bytes32.optional() }),
    productName: NonEmptyText,
    model: z.object({ name: NonEmptyText.optional(), reference: z.string().min(1).max(100) }),
    gtin: Gtin.optional(),
    serial: Serial,
    materials: z.array(MaterialShare).min(1),
    manufacture: z.object({
      place: z.object({
        city: NonEmptyText.optional(),
        country: CountryCode,
        facility: NonEmptyText.optional(),
      }),
      date: CalendarDate,
    }),
    care: z.object({ instructions: z.array(NonEmptyText).min(1), repair: NonEmptyText.optional() }),
    images: z.array(MediaReference).min(1),
    model3d: ThreeDimensionalModel.optional(),
    tag: BoundTag.optional(),
    /** v2: the public textile passport data (ESPR preparatory study for textiles). */
    sustainability: TextilePassportData.optional(),
    /** v2: sections only a tier may read, encrypted (server/passport/section-cipher.ts). */
    restricted: RestrictedSections.optional(),
  })
  .superRefine((passport, context) => {
    // Composition must be complete for each part, as textile labelling rules require.
    const totals = new Map<string, number>();
    for (const share of passport.materials)
      totals.set(share.part, (totals.get(share.part) ?? 0) + share.percentage);
    for (const [part, total] of totals) {
      if (Math.abs(total - 100) > 0.01) {
        const index = passport.materials.findIndex((share) => share.part === part);
        context.addIssue({
          code: "custom",
          path: ["materials", index, "percentage"],
          message: `shares of part "${part}" add up to ${total}%, not 100%`,
        });
      }
    }
  });

/** The passport's texts in another language: any may be left out, the document's own then shows. */
const LocalizedCertificateTexts = z.strictObject({
  name: NonEmptyText.optional(),
  description: z.string().max(10_000).optional(),
  productName: NonEmptyText.optional(),
  care: z
    .strictObject({ instructions: z.array(NonEmptyText).min(1).optional(), repair: NonEmptyText.optional() })
    .optional(),
  /** Attribute values by trait_type ("Colour": "Fauve"). */
  attributes: z.record(z.string().min(1).max(100), z.string().max(500)).optional(),
  /** Attribute names by trait_type ("Colour": "Couleur"): trait_type stays the key marketplaces filter on. */
  attributeNames: z.record(z.string().min(1).max(100), z.string().min(1).max(100)).optional(),
});

/** ERC-721 metadata JSON (name, description, image, attributes) plus the product passport. */
export const CertificateMetadata = z
  .object({
    schema: z.enum(CERTIFICATE_METADATA_SCHEMA_IDS),
    name: NonEmptyText,
    description: z.string().max(10_000),
    image: ContentUri,
    external_url: ContentUri.optional(),
    animation_url: ContentUri.optional(),
    attributes: z.array(Attribute).default([]),
    passport: ProductPassport,
    ...localizedTexts(LocalizedCertificateTexts),
  })
  .superRefine((document, context) => {
    // A v1 reader knows nothing of these fields: a document that carries them must say v2.
    if (document.schema !== CERTIFICATE_METADATA_SCHEMA_ID) return;
    for (const field of ["sustainability", "restricted"] as const) {
      if (document.passport[field] !== undefined)
        context.addIssue({
          code: "custom",
          path: ["passport", field],
          message: `needs schema ${CERTIFICATE_METADATA_SCHEMA_V2_ID} (this document says ${CERTIFICATE_METADATA_SCHEMA_ID})`,
        });
    }
  })
  .meta({ title: "Hallmark certificate metadata", description: "ERC-721 metadata with a product passport" });

export type CertificateMetadata = z.infer<typeof CertificateMetadata>;
