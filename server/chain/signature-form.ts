import { isHexString } from "ethers";
import { InvalidInputError } from "../errors.js";

/**
 * The one rule for the form of a signature the verifier accepts, shared by ownership proofs, chip
 * proofs and the claim relay, so that the API never answers differently from the contracts.
 *
 * A key's (ECDSA) signature must be the 65-byte r‖s‖v form. OpenZeppelin 5's ECDSA.tryRecover
 * and SignatureChecker refuse the 64-byte EIP-2098 compact form, while ethers' recovery accepts
 * it: without this rule, the true owner's compact proof would pass ethers and fail the contract
 * (`{"owner": false}`), and a relayed compact claim would be sent to a certain revert. Refusing
 * at the edge, with a 400 that says which form to send, keeps the contracts' gas as it is.
 *
 * A contract account's signature (EIP-1271) is the contract's own business: any length, passed
 * through to its isValidSignature (a passkey account's P-256 r‖s is 64 bytes too).
 */
export const KEY_SIGNATURE_BYTES = 65;
export const COMPACT_SIGNATURE_BYTES = 64;

/** A 64-byte EIP-2098 signature from a key: the contracts would refuse it. */
export class CompactSignatureError extends InvalidInputError {
  override readonly type = "compact-signature";
  constructor() {
    super(
      `Compact (EIP-2098, ${COMPACT_SIGNATURE_BYTES}-byte) signatures are not accepted: send the ${KEY_SIGNATURE_BYTES}-byte r‖s‖v form`,
    );
  }
}

export function isCompactSignature(signature: string): boolean {
  return isHexString(signature, COMPACT_SIGNATURE_BYTES);
}

/** For a signature that only a key can make (a claim code, a chip): refuses the compact form. */
export function requireKeySignatureForm(signature: string): void {
  if (isCompactSignature(signature)) throw new CompactSignatureError();
}

/**
 * For a signature by an account that may be a key or a contract (a certificate's owner): refuses
 * the compact form from a key, lets a contract's signature of any length through. `hasCode` is
 * asked only for a 64-byte signature, so a 65-byte proof costs no extra read.
 */
export async function requireAccountSignatureForm(
  signature: string,
  hasCode: () => Promise<boolean>,
): Promise<void> {
  if (isCompactSignature(signature) && !(await hasCode())) throw new CompactSignatureError();
}
