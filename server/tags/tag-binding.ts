import { keccak256, solidityPacked } from "ethers";
import { formatTagUid, parseTagUid } from "./uid.js";

/**
 * A certificate bound to an NTAG 424 DNA at issuance commits to the tag's UID in its metadata
 * document (`passport.tag.uidCommitment`), salted as serials are: keccak256 of the brand's serial
 * salt and the UID, with a domain prefix so a UID commitment never equals a serial hash. The
 * document's digest is on chain, so the binding is as fixed as the rest of the passport; the UID
 * itself is never published (a UID read from a tag would otherwise name its certificate).
 */
export const TAG_KIND_NTAG424 = "ntag424-dna";
const DOMAIN = "hallmark:ntag424-dna-uid:";

export function tagUidCommitment(brandSalt: string, uid: string): string {
  const canonical = formatTagUid(parseTagUid(uid));
  return keccak256(solidityPacked(["bytes32", "string"], [brandSalt, `${DOMAIN}${canonical}`]));
}

/** Whether a document's tag commitment is this UID's under this brand's salt. */
export function isBoundTo(commitment: string, brandSalt: string, uid: string): boolean {
  return commitment.toLowerCase() === tagUidCommitment(brandSalt, uid);
}
