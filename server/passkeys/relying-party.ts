import { InvalidInputError } from "../errors.js";

/**
 * The WebAuthn relying party this verifier is: its RP id is the host of HALLMARK_PUBLIC_URL and its
 * origin that URL's origin. A passkey is scoped by the browser to its RP id, and every registration and
 * assertion is checked against both, so a passkey made for another site (or a page served from another
 * origin) is refused. Browsers take `localhost` as an RP id over plain http, never an IP address.
 */
export interface RelyingParty {
  /** The host, without port (WebAuthn RP ids are domains). */
  rpId: string;
  /** scheme://host[:port], as clientDataJSON names it. */
  origin: string;
  /** What the phone shows beside the passkey. */
  name: string;
}

export function relyingPartyOf(publicUrl: string, name = "Hallmark"): RelyingParty {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch (error) {
    throw new InvalidInputError(`The public URL ${publicUrl} is not a URL`, { cause: error });
  }
  return { rpId: url.hostname, origin: url.origin, name };
}
