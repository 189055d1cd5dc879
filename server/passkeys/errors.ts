import { ForbiddenError, UnprocessableError } from "../errors.js";

/**
 * The passkey routes' refusals, each with a stable `type` a page can switch on. Everything the chain
 * would refuse is refused here first, with its reason, so that nothing is sent that the brand would
 * pay for and that would fail.
 */

/** A WebAuthn answer that is not for this site, not user-verified, not for this challenge, or does not verify. */
export class PasskeyAssertionError extends UnprocessableError {
  override readonly type = "passkey-assertion-refused";
}

/** A passkey registration that does not verify (origin, RP id, user verification, algorithm, challenge). */
export class PasskeyRegistrationError extends UnprocessableError {
  override readonly type = "passkey-registration-refused";
}

/** This verifier has no passkey contracts in its deployment, or no relayer key: nothing is relayed. */
export class PasskeysUnavailableError extends UnprocessableError {
  override readonly type = "passkeys-unavailable";
}

/** An operation the brand's paymaster does not sponsor (another contract, another paymaster, value, …). */
export class OperationNotSponsoredError extends UnprocessableError {
  override readonly type = "operation-not-sponsored";
}

/** The account does not own the piece it acts on. */
export class NotOwnerError extends ForbiddenError {
  override readonly type = "not-owner";
}

/** The chain would refuse the operation (a stolen or revoked piece, the last passkey, no recovery pending…). */
export class OperationRefusedError extends UnprocessableError {
  override readonly type = "operation-refused";
}
