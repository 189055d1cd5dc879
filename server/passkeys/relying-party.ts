import { InvalidInputError } from "../errors.js";

/**
 * The WebAuthn relying party this verifier is: its RP id is the host of HALLMARK_PUBLIC_URL and its
 * origin that URL's origin. A passkey is scoped by the browser to its RP id, and every registration and
 * assertion is checked against both, so a passkey made for another site (or a page served from another
 * origin) is refused. Browsers take `localhost` as an RP id over plain http, never an IP address: a
 * loopback public URL makes the RP localhost, and passkey pages are then opened at http://localhost:PORT.
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
  // A loopback address (npm start's default http://127.0.0.1:8080) is served as localhost: the only
  // local name browsers take as an RP id, and a secure context over plain http.
  if (url.hostname === "127.0.0.1" || url.hostname === "[::1]") url.hostname = "localhost";
  return { rpId: url.hostname, origin: url.origin, name };
}
