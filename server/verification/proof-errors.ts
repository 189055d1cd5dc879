import { UnprocessableError } from "../errors.js";

/** A proof submitted with a challenge issued for another certificate. */
export class ForeignChallengeError extends UnprocessableError {
  readonly type: string = "foreign-challenge";
}

/** A chip challenge for a certificate that has no chip bound. */
export class NoChipError extends UnprocessableError {
  readonly type: string = "no-chip";
}

/** A serial lookup for a brand whose salt this verifier was not given. */
export class NoBrandSaltError extends UnprocessableError {
  readonly type: string = "no-brand-salt";
}
