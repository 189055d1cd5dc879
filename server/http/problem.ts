import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";
import {
  AuthenticationError,
  ConflictError,
  ContentTooLargeError,
  DependencyUnavailableError,
  ExpiredError,
  ForbiddenError,
  HallmarkError,
  IntegrityError,
  InvalidDocumentError,
  InvalidInputError,
  NotAcceptableError,
  NotFoundError,
  RateLimitedError,
  UnprocessableError,
  UnsupportedMediaTypeError,
  UpstreamError,
} from "../errors.js";
import type { Problem } from "./problem-document.js";

/** Prefix of every problem `type`; the slug after it is the stable part clients switch on. */
export const PROBLEM_TYPE_BASE = "https://hallmark.dev/problems/";

/** RFC 9457 problem details (its schema, which the OpenAPI document is generated from: ./problem-document.ts). */
export type { Problem } from "./problem-document.js";

/** The one mapping from error classes to HTTP statuses. */
function statusOf(error: HallmarkError): number {
  if (error instanceof InvalidInputError) return 400;
  if (error instanceof AuthenticationError) return 401;
  if (error instanceof ForbiddenError) return 403;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  if (error instanceof ExpiredError) return 410;
  if (error instanceof UnprocessableError) return 422;
  if (error instanceof ContentTooLargeError) return 413;
  if (error instanceof NotAcceptableError) return 406;
  if (error instanceof UnsupportedMediaTypeError) return 415;
  if (error instanceof InvalidDocumentError) return 422;
  if (error instanceof RateLimitedError) return 429;
  // A block or document that fails its hash came from a node or gateway that served bad
  // bytes: the upstream is at fault, not the request.
  if (error instanceof IntegrityError) return 502;
  // E.g. the chain node answered with a JSON-RPC error we did not expect: an upstream fault, not ours.
  if (error instanceof UpstreamError) return 502;
  if (error instanceof DependencyUnavailableError) return 503;
  return 500;
}

const TITLES: Record<number, string> = {
  400: "Malformed request",
  401: "Unauthenticated",
  403: "Forbidden",
  404: "Not found",
  406: "Not acceptable",
  409: "Conflict",
  410: "Gone",
  413: "Content too large",
  415: "Unsupported media type",
  422: "Invalid document",
  429: "Too many requests",
  500: "Internal error",
  502: "Upstream answered badly",
  503: "Dependency unavailable",
};

/** Express's own errors (body parser, bad URL encoding) carry a 4xx `status`. */
function isClientHttpError(error: unknown): error is { status: number } {
  if (typeof error !== "object" || error === null || !("status" in error)) return false;
  const status = error.status;
  return typeof status === "number" && status >= 400 && status < 500;
}

export function problemFor(
  error: unknown,
  instance?: string,
): { problem: Problem; retryAfterSeconds?: number; wwwAuthenticate?: string } {
  if (error instanceof HallmarkError) {
    const status = statusOf(error);
    const title =
      status === 422 && !(error instanceof InvalidDocumentError)
        ? "Unprocessable request"
        : (TITLES[status] ?? "Error");
    const problem: Problem = {
      type: PROBLEM_TYPE_BASE + error.type,
      title,
      status,
      detail: error.message,
      instance,
    };
    if (error.details.length > 0) problem.errors = error.details;
    const retryAfterSeconds =
      error instanceof RateLimitedError || error instanceof DependencyUnavailableError
        ? error.retryAfterSeconds
        : undefined;
    return {
      problem,
      retryAfterSeconds,
      wwwAuthenticate: error instanceof AuthenticationError ? error.challenge : undefined,
    };
  }
  if (isClientHttpError(error)) {
    // Never echo a library's message: it can name internals.
    return {
      problem: { type: PROBLEM_TYPE_BASE + "invalid-input", title: TITLES[400], status: 400, instance },
    };
  }
  return {
    problem: { type: PROBLEM_TYPE_BASE + "internal-error", title: TITLES[500], status: 500, instance },
  };
}

export function sendProblem(
  response: Parameters<RequestHandler>[1],
  problem: Problem,
  retryAfterSeconds?: number,
): void {
  if (retryAfterSeconds !== undefined)
    response.setHeader("Retry-After", String(Math.max(1, Math.ceil(retryAfterSeconds))));
  // A refusal is about now too (a 404 during a rebuild, a 503): no cache may replay it.
  response.setHeader("Cache-Control", "no-cache");
  response.status(problem.status).type("application/problem+json").send(JSON.stringify(problem));
}

/** The single error handler of the app: every failure leaves as application/problem+json. */
export function problemHandler(
  logger?: Logger,
  /** Extension members added to every problem (RFC 9457 §3.2), e.g. the index's freshness. */
  extensions?: () => Record<string, unknown> | undefined,
): ErrorRequestHandler {
  return (error: unknown, request, response, next) => {
    const found = problemFor(error, request.originalUrl);
    const { retryAfterSeconds, wwwAuthenticate } = found;
    const problem: Problem = { ...found.problem, ...safeExtensions(extensions) };
    if (problem.status >= 500) {
      if (error instanceof HallmarkError && error.retryable) {
        // An expected, temporary state (a dependency down, the index catching up): one line, no stack.
        // A readiness probe answering 503 while the index catches up is routine.
        const probe = /^\/(readyz|healthz)\b/.test(request.originalUrl);
        logger?.[probe ? "info" : "warn"](
          { url: request.originalUrl, type: error.type, status: problem.status },
          error.message,
        );
      } else logger?.error({ err: error, url: request.originalUrl }, "request failed");
    }
    if (response.headersSent) {
      // Mid-stream failure (e.g. a later block failed verification): cut the connection so
      // the client sees a truncated body, never a complete-looking one.
      response.destroy(error instanceof Error ? error : undefined);
      next();
      return;
    }
    if (wwwAuthenticate !== undefined) response.setHeader("WWW-Authenticate", wwwAuthenticate);
    sendProblem(response, problem, retryAfterSeconds);
  };
}

function safeExtensions(extensions?: () => Record<string, unknown> | undefined): Record<string, unknown> {
  try {
    return extensions?.() ?? {};
  } catch {
    return {}; // The error path must never fail because of an extension.
  }
}

/** Unmatched routes are problems too. */
export const notFoundHandler: RequestHandler = (request, _response, next) => {
  next(new NotFoundError(`No route for ${request.method} ${request.path}`));
};
