import type { ErrorRequestHandler, RequestHandler, Response } from "express";
import type { Logger } from "pino";
import { problemFor } from "../../http/problem.js";
import { PROBLEM_TYPE_BASE } from "../../http/problem.js";
import type { AuditLog } from "../auth/audit-log.js";

/**
 * Every call under /v1/issuer leaves one audit row, written when the answer has gone out:
 * who (key id and brand), what (action and target), when, and the outcome. Refusals are audited
 * too, and that row is all a refusal writes.
 */
export interface AuditContext {
  keyId: string | null;
  brandId: number | null;
  action: string;
  target: string | null;
  detail: string | null;
}

export function auditOf(response: Response): AuditContext {
  return response.locals.issuerAudit as AuditContext;
}

export function auditTrail(audit: AuditLog, logger?: Logger): RequestHandler {
  return (request, response, next) => {
    const context: AuditContext = {
      keyId: null,
      brandId: null,
      action: `${request.method} ${request.path}`,
      target: null,
      detail: null,
    };
    response.locals.issuerAudit = context;
    let written = false;
    const write = (): void => {
      if (written) return;
      written = true;
      const status = response.statusCode;
      const outcome = !response.writableFinished
        ? "aborted"
        : status >= 500
          ? "failed"
          : status >= 400
            ? "refused"
            : "ok";
      audit.record({ ...context, status, outcome }).catch((error: unknown) => {
        logger?.error({ err: error, action: context.action, keyId: context.keyId }, "audit write failed");
      });
      // The key's id only: a full key never reaches a log line.
      logger?.info(
        {
          keyId: context.keyId,
          brand: context.brandId,
          action: context.action,
          target: context.target,
          status,
        },
        "issuer call",
      );
    };
    response.once("finish", write);
    response.once("close", write);
    next();
  };
}

/** Notes the problem type of a failed call in its audit row, then lets the app's handler answer. */
export const auditProblem: ErrorRequestHandler = (error: unknown, request, response, next) => {
  const context = response.locals.issuerAudit as AuditContext | undefined;
  if (context !== undefined)
    context.detail = problemFor(error, request.originalUrl).problem.type.replace(PROBLEM_TYPE_BASE, "");
  next(error);
};
