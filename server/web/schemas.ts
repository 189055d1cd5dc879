import { z } from "zod";
import { Bytes32 } from "../http/schemas.js";
import { Gtin, Serial } from "../verification/id-schemas.js";

/** The verification page asks for the QR code of its prove link with the id in the body, not the URL (logs). */
export const ProveQrRequest = z.strictObject({ challengeId: Bytes32 });

/**
 * The verification page's query: `?gtin=` is the GTIN of the Digital Link that sent the browser there,
 * `?serial=` the serial of that link (or of /b/): shown only when it hashes to this certificate.
 */
export const VerifyPageQuery = z.object({
  gtin: Gtin.optional().describe(
    "GTIN of the label scanned (set by the Digital Link's redirect): checked against the passport's",
  ),
  serial: Serial.optional().describe(
    "Serial of the label's link (set by the Digital Link's and /b/'s redirects): shown when it is this certificate's",
  ),
});
