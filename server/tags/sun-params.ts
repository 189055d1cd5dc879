import { z } from "zod";
import { CMAC_PARAMETER, PICC_DATA_PARAMETER } from "./sun-url.js";
import type { SunMessage } from "./sun.js";

/**
 * The SUN query of a tap link, validated at the edge: `picc_data` (32 hex digits) and `cmac` (16),
 * with `enc` (encrypted file data, whole blocks) when the tag mirrors it; or the plain mirror's
 * `uid` (14) and `ctr` (6, most significant first, as the tag writes it) with `cmac`. Anything else
 * is a 400 naming the parameter.
 */
const hex = (digits: number, what: string) =>
  z.string().regex(new RegExp(`^[0-9a-fA-F]{${digits}}$`), `expected ${what}: ${digits} hex digits`);

export const SunQuery = z
  .object({
    [PICC_DATA_PARAMETER]: hex(32, "the tag's encrypted PICC data").optional(),
    enc: z
      .string()
      .regex(/^(?:[0-9a-fA-F]{32})+$/, "expected encrypted file data: whole 16-byte blocks in hex")
      .optional(),
    uid: hex(14, "the tag's UID").optional(),
    ctr: hex(6, "the tag's counter").optional(),
    [CMAC_PARAMETER]: hex(16, "the tag's MAC"),
    lang: z.string().optional(),
  })
  .superRefine((query, context) => {
    const encrypted = query[PICC_DATA_PARAMETER] !== undefined;
    const plain = query.uid !== undefined || query.ctr !== undefined;
    if (encrypted === plain || (plain && (query.uid === undefined || query.ctr === undefined)))
      context.addIssue({
        code: "custom",
        path: [PICC_DATA_PARAMETER],
        message: "expected picc_data (or, for a plain mirror, uid and ctr) with cmac",
      });
  })
  .describe("The query a tag writes on each tap (NXP SUN): picc_data and cmac, or uid, ctr and cmac");

export type SunQuery = z.output<typeof SunQuery>;

export function sunMessageOf(query: SunQuery): SunMessage {
  const cmac = Buffer.from(query[CMAC_PARAMETER], "hex");
  const picc = query[PICC_DATA_PARAMETER];
  if (picc !== undefined)
    return {
      variant: "encrypted",
      piccData: Buffer.from(picc, "hex"),
      ...(query.enc !== undefined ? { encFileData: Buffer.from(query.enc, "hex") } : {}),
      cmac,
    };
  return {
    variant: "plain",
    uid: Buffer.from(query.uid!, "hex"),
    counter: Number.parseInt(query.ctr!, 16),
    cmac,
  };
}
