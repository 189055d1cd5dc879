/**
 * The one error taxonomy of the Hallmark server. Every failure a caller can see is a
 * HallmarkError with a stable `type` slug; the API maps each class to an HTTP status and an
 * RFC 9457 problem document in a single place (server/http/problem.ts). Messages are short and
 * safe to show: internal details stay in `cause`, which is logged but never sent.
 */
export interface HallmarkErrorOptions {
  cause?: unknown;
  /** Field-level details safe to expose (e.g. the path of each invalid field). */
  details?: readonly ProblemDetail[];
}

export interface ProblemDetail {
  /** JSON path of the offending field, e.g. "passport.materials.0.percentage". */
  path: string;
  message: string;
}

export abstract class HallmarkError extends Error {
  /** Stable slug, part of the public API: clients switch on it. */
  abstract readonly type: string;
  /** Whether the same request may succeed later without change. */
  abstract readonly retryable: boolean;
  readonly details: readonly ProblemDetail[];

  constructor(message: string, options: HallmarkErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details ?? [];
  }
}

/** The request itself is malformed (bad CID, bad path, bad digest). */
export class InvalidInputError extends HallmarkError {
  readonly type: string = "invalid-input";
  readonly retryable = false;
}

/** A well-formed document that breaks a schema rule (a metadata document that fails validation). */
export class InvalidDocumentError extends HallmarkError {
  readonly type = "invalid-document";
  readonly retryable = false;
}

/** The thing asked for does not exist here (unknown CID, no such path in a directory). */
export class NotFoundError extends HallmarkError {
  readonly type = "not-found";
  readonly retryable = false;
}

/**
 * The caller did not prove who it is: no credentials, malformed ones, or unknown or revoked ones.
 * Answered with 401 and a `WWW-Authenticate` challenge naming the scheme.
 */
export class AuthenticationError extends HallmarkError {
  readonly type = "unauthenticated";
  readonly retryable = false;
  constructor(
    message: string,
    /** The challenge sent in WWW-Authenticate, e.g. `Bearer realm="hallmark-issuer", error="invalid_token"`. */
    readonly challenge: string,
    options: HallmarkErrorOptions = {},
  ) {
    super(message, options);
  }
}

/** The caller is known but may not do this (another brand's route, a scope its key lacks). */
export class ForbiddenError extends HallmarkError {
  readonly type: string = "forbidden";
  readonly retryable = false;
}

/** The request conflicts with current state. */
export class ConflictError extends HallmarkError {
  readonly type = "conflict";
  readonly retryable = false;
}

/**
 * Bytes do not match what they must match: a block that does not hash to its CID, or a
 * document that does not hash to the digest committed on-chain. Never shown as valid.
 */
export class IntegrityError extends HallmarkError {
  readonly type = "integrity-mismatch";
  readonly retryable = false;
  constructor(
    message: string,
    readonly expected: string,
    readonly actual: string,
    options: HallmarkErrorOptions = {},
  ) {
    super(message, options);
  }
}

/**
 * A well-formed request that cannot apply to the thing it names (a chip challenge for a piece
 * without a chip, a proof submitted for another token's challenge). Subclasses narrow the type.
 */
export class UnprocessableError extends HallmarkError {
  readonly type: string = "unprocessable";
  readonly retryable = false;
}

/**
 * An outside system answered, but not as it must (a chain node's unexpected JSON-RPC error): the
 * upstream is at fault, not the request. Subclasses narrow the type.
 */
export class UpstreamError extends HallmarkError {
  readonly type: string = "upstream-error";
  readonly retryable: boolean = false;
}

/** Something time-limited (an ownership or chip challenge) has expired. */
export class ExpiredError extends HallmarkError {
  readonly type: string = "expired";
  readonly retryable = false;
}

/** Content is larger than the configured read limit. */
export class ContentTooLargeError extends HallmarkError {
  readonly type = "content-too-large";
  readonly retryable = false;
}

/** The request body is of a media type the route does not take. */
export class UnsupportedMediaTypeError extends HallmarkError {
  readonly type = "unsupported-media-type";
  readonly retryable = false;
}

/** No representation the route serves matches the request's Accept header. */
export class NotAcceptableError extends HallmarkError {
  readonly type = "not-acceptable";
  readonly retryable = false;
}

/** The caller is over a rate limit. */
export class RateLimitedError extends HallmarkError {
  readonly type = "rate-limited";
  readonly retryable = true;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    options: HallmarkErrorOptions = {},
  ) {
    super(message, options);
  }
}

/** An outside system (IPFS node, gateway, chain RPC) is down or too slow. */
export class DependencyUnavailableError extends HallmarkError {
  readonly type = "dependency-unavailable";
  readonly retryable = true;
  constructor(
    message: string,
    readonly retryAfterSeconds = 5,
    options: HallmarkErrorOptions = {},
  ) {
    super(message, options);
  }
}
