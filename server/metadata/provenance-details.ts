import { z } from "zod";
import {
  CurrencyCode,
  DecimalAmount,
  EthereumAddress,
  MediaReference,
  NonEmptyText,
  Timestamp,
} from "./common.js";

export const PROVENANCE_DETAILS_SCHEMA_ID = "hallmark.provenance-details.v1";

export const ProvenanceEventKind = z.enum([
  "manufactured",
  "sold",
  "authenticated-resale",
  "inspected",
  "repaired",
  "transferred",
  "reported-stolen",
  "recovered",
]);

const Inspection = z.object({
  conditionGrade: z.enum(["new", "excellent", "very-good", "good", "fair", "poor"]),
  findings: z.array(
    z.object({
      area: z.string().min(1).max(100),
      description: NonEmptyText,
      severity: z.enum(["none", "minor", "major"]),
    }),
  ),
  photos: z.array(MediaReference),
});

/** Event kinds whose details are meaningless without a report. */
const REQUIRES_INSPECTION = new Set(["authenticated-resale", "inspected"]);

/** The off-chain details of one provenance event; the event on-chain commits to their digest. */
export const ProvenanceDetails = z
  .object({
    schema: z.literal(PROVENANCE_DETAILS_SCHEMA_ID),
    kind: ProvenanceEventKind,
    actor: z.object({
      name: NonEmptyText,
      role: z.enum(["brand", "retailer", "resale-partner", "repairer", "owner"]),
      address: EthereumAddress.optional(),
    }),
    date: Timestamp,
    place: z.object({ city: NonEmptyText.optional(), country: z.string().regex(/^[A-Z]{2}$/) }).optional(),
    inspection: Inspection.optional(),
    repair: z
      .object({ description: NonEmptyText, partsReplaced: z.array(z.string().min(1).max(200)).optional() })
      .optional(),
    price: z.object({ amount: DecimalAmount, currency: CurrencyCode }).optional(),
    notes: z.string().max(10_000).optional(),
  })
  .superRefine((details, context) => {
    if (REQUIRES_INSPECTION.has(details.kind) && details.inspection === undefined) {
      context.addIssue({
        code: "custom",
        path: ["inspection"],
        message: `a ${details.kind} event needs an inspection report`,
      });
    }
    if (details.kind === "repaired" && details.repair === undefined) {
      context.addIssue({
        code: "custom",
        path: ["repair"],
        message: "a repaired event needs a repair description",
      });
    }
  })
  .meta({ title: "Hallmark provenance event details", description: "Details of one provenance event" });

export type ProvenanceDetails = z.infer<typeof ProvenanceDetails>;
