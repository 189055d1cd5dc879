import { z } from "zod";
import { Bytes32 } from "../http/schemas.js";
import { Gtin } from "../verification/id-schemas.js";

/** The verification page asks for the QR code of its prove link with the id in the body, not the URL (logs). */
export const ProveQrRequest = z.strictObject({ challengeId: Bytes32 });

/** The verification page's query: `?gtin=` is the GTIN of the Digital Link that sent the browser there. */
export const VerifyPageQuery = z.object({
  gtin: Gtin.optional().describe(
    "GTIN of the label scanned (set by the Digital Link's redirect): checked against the passport's",
  ),
});
