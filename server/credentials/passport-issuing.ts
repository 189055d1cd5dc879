import { DependencyUnavailableError, NotFoundError } from "../errors.js";
import type { CertificateView } from "../verification/answers/certificate.js";
import { resolveCertificate } from "../verification/certificate.js";
import type { VerifierContext } from "../verification/context.js";
import type { CredentialKeys } from "./issuer-keys.js";
import { passportCredential, passportSubject, verifiedPassportDocument } from "./passport-credential.js";
import { encodeStatusList, STATUS_PURPOSES, statusListCredential, statusListEntry } from "./status-list.js";
import type { BrandStatusLists, StatusPurpose } from "./status-list.js";
import { credentialIssuerOf, signCredentialJwt } from "./vc-jwt.js";
import type { CredentialIssuer } from "./vc-jwt.js";

/**
 * What the passport routes answer, without HTTP: the public passport, its credential signed by the
 * brand's issuer key, and the brand's status lists that revoke it.
 */
export interface PassportIssuing {
  verifier: VerifierContext;
  keys: CredentialKeys;
  statusLists: BrandStatusLists;
}

/** Seconds a key-less answer asks a client to wait: a key comes with a restart, not in seconds. */
const NO_KEY_RETRY_SECONDS = 3_600;

function issuerFor(issuing: PassportIssuing, brandId: number): CredentialIssuer {
  const key = issuing.keys(brandId);
  if (key === undefined)
    throw new DependencyUnavailableError(
      `This verifier holds no issuer key for brand ${brandId}: it cannot sign the brand's credentials (HALLMARK_ISSUER_KEYSTORES)`,
      NO_KEY_RETRY_SECONDS,
    );
  return credentialIssuerOf(issuing.verifier.identity.chainId, key);
}

export function statusListUrl(publicUrl: string, brandId: number, purpose: StatusPurpose): string {
  return `${publicUrl}/v1/status/${brandId}/${purpose}`;
}

/** The certificate with its public passport (the credential's subject). */
export async function publicPassport(
  issuing: PassportIssuing,
  tokenId: bigint,
  publicUrl: string,
): Promise<{ view: CertificateView; passport: Record<string, unknown> }> {
  const view = await resolveCertificate(issuing.verifier.index, issuing.verifier.documents, tokenId);
  const document = verifiedPassportDocument(view);
  return { view, passport: passportSubject(view.tokenId, document, { publicUrl }) };
}

/** The passport as a VC-JWT signed by the brand's issuer key, with its entries in the brand's status lists. */
export async function signedPassport(
  issuing: PassportIssuing,
  tokenId: bigint,
  publicUrl: string,
  now = new Date(),
): Promise<string> {
  const view = await resolveCertificate(issuing.verifier.index, issuing.verifier.documents, tokenId);
  // The key first: a verifier that cannot sign says so before reading IPFS.
  const issuer = issuerFor(issuing, view.brand.id);
  const document = verifiedPassportDocument(view);
  const subject = passportSubject(view.tokenId, document, { publicUrl });
  const position = await issuing.statusLists.positionOf(view.brand.id, view.tokenId);
  const id = `${publicUrl}/v1/certificates/${view.tokenId}/passport`;
  const credential = passportCredential({
    id,
    issuer: { id: issuer.did, name: document.passport.brand.name },
    subject,
    productName: document.passport.productName,
    credentialStatus: STATUS_PURPOSES.map((purpose) =>
      statusListEntry(statusListUrl(publicUrl, view.brand.id, purpose), purpose, position),
    ),
    validFrom: now,
  });
  const seconds = Math.floor(now.getTime() / 1000);
  return signCredentialJwt(credential, issuer, {
    iat: seconds,
    nbf: seconds,
    jti: id,
    sub: String(subject.id),
  });
}

/** A brand's status list for `purpose` as a signed BitstringStatusListCredential (VC-JWT). */
export async function signedStatusList(
  issuing: PassportIssuing,
  brandId: number,
  purpose: StatusPurpose,
  publicUrl: string,
  now = new Date(),
): Promise<string> {
  if ((await issuing.verifier.index.getBrand(brandId)) === null)
    throw new NotFoundError(`No brand ${brandId}`);
  const issuer = issuerFor(issuing, brandId);
  const url = statusListUrl(publicUrl, brandId, purpose);
  const credential = statusListCredential({
    url,
    issuer: issuer.did,
    purpose,
    encodedList: encodeStatusList(await issuing.statusLists.bitsOf(brandId, purpose)),
    validFrom: now,
  });
  const seconds = Math.floor(now.getTime() / 1000);
  return signCredentialJwt(credential, issuer, { iat: seconds, nbf: seconds, jti: url, sub: `${url}#list` });
}
