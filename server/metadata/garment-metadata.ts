import { z } from "zod";
import { Attribute, ContentUri, localizedTexts, MediaReference, NonEmptyText } from "./common.js";

export const GARMENT_METADATA_SCHEMA_ID = "hallmark.garment-metadata.v1";

const WearableModel = z.object({
  uri: ContentUri,
  format: z.enum(["glb", "gltf"]),
  mediaType: z.enum(["model/gltf-binary", "model/gltf+json"]),
  sizeBytes: z.int().nonnegative().optional(),
  /** The same model as USDZ, for AR Quick Look on iPhone and iPad (which does not read glTF). */
  usdz: z
    .object({
      uri: ContentUri,
      mediaType: z.literal("model/vnd.usdz+zip"),
      sizeBytes: z.int().nonnegative().optional(),
    })
    .optional(),
});

const LocalizedGarmentTexts = z.strictObject({
  name: NonEmptyText.optional(),
  description: z.string().max(10_000).optional(),
});

const Fit = z
  .object({
    sizes: z.array(z.string().min(1).max(20)).min(1).optional(),
    bodyTypes: z.array(z.string().min(1).max(50)).min(1).optional(),
  })
  .refine((fit) => fit.sizes !== undefined || fit.bodyTypes !== undefined, "give sizes, body types or both");

const Platform = z.object({
  name: z.string().min(1).max(100),
  version: z.string().max(50).optional(),
  assetUri: ContentUri.optional(),
});

/** ERC-1155 metadata JSON plus the wearable: what a game world needs to dress an avatar. */
export const GarmentMetadata = z
  .object({
    schema: z.literal(GARMENT_METADATA_SCHEMA_ID),
    name: NonEmptyText,
    description: z.string().max(10_000),
    image: ContentUri,
    decimals: z.int().min(0).max(18).optional(),
    properties: z.record(z.string(), z.unknown()).optional(),
    attributes: z.array(Attribute).default([]),
    wearable: z.object({
      category: z.enum([
        "top",
        "bottom",
        "dress",
        "outerwear",
        "footwear",
        "headwear",
        "bag",
        "accessory",
        "full-body",
      ]),
      model: WearableModel,
      previews: z.array(MediaReference).min(1),
      fit: Fit,
      platforms: z.array(Platform).min(1),
      technicalSheet: z.object({
        materials: z
          .array(
            z.object({ name: z.string().min(1).max(100), description: z.string().max(2_000).optional() }),
          )
          .min(1),
        designerNotes: z.string().max(10_000).optional(),
      }),
    }),
    ...localizedTexts(LocalizedGarmentTexts),
  })
  .meta({
    title: "Hallmark garment metadata",
    description: "ERC-1155 metadata with a wearable digital garment",
  });

export type GarmentMetadata = z.infer<typeof GarmentMetadata>;
