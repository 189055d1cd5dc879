import { z } from "zod";
import { Bytes32 } from "../http/schemas.js";

/** The verification page asks for the QR code of its prove link with the id in the body, not the URL (logs). */
export const ProveQrRequest = z.strictObject({ challengeId: Bytes32 });
