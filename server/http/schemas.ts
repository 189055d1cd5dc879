import { z } from "zod";

/**
 * Request shapes with no domain meaning, shared by every route group. The identifiers (token ids,
 * addresses, brands, serials) are the domain's: server/verification/id-schemas.ts.
 */
export const Bytes32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "expected a 0x-prefixed bytes32")
  .transform((s) => s.toLowerCase());
