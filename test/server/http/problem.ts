import { expect } from "chai";
import type { Request, Response } from "express";
import type { Logger } from "pino";
import { JsonRpcError } from "../../../server/chain/rpc-errors.js";
import {
  DependencyUnavailableError,
  HallmarkError,
  InvalidDocumentError,
  UnprocessableError,
  UpstreamError,
} from "../../../server/errors.js";
import { PROBLEM_TYPE_BASE, problemFor, problemHandler } from "../../../server/http/problem.js";
import { ManifestError, SignerError, TransactionRefusedError } from "../../../server/issuer/errors.js";

/** An error of the taxonomy's base class only: no class the mapping knows. */
class UnmappedError extends HallmarkError {
  readonly type = "transaction-refused";
  readonly retryable = false;
}

describe("problemFor", function () {
  describe("maps errors to statuses by class, never by their type slug", function () {
    it("answers 502 for an upstream's unexpected JSON-RPC error, keeping its type", function () {
      const { problem } = problemFor(new JsonRpcError("execution reverted", -32000));
      expect(problem).to.include({
        status: 502,
        type: `${PROBLEM_TYPE_BASE}rpc-error`,
        title: "Upstream answered badly",
      });
    });

    it("answers 422 for the issuer's manifest, signer and refused-transaction errors", function () {
      const errors = [
        new ManifestError([{ row: 1, field: "serial", message: "required" }]),
        new SignerError("the key lacks ISSUER_ROLE"),
        new TransactionRefusedError("Claim refused: ClaimCodeUsed", "ClaimCodeUsed", []),
      ];
      for (const error of errors) {
        expect(error).to.be.instanceOf(UnprocessableError);
        expect(problemFor(error).problem).to.include({
          status: 422,
          title: "Unprocessable request",
          type: `${PROBLEM_TYPE_BASE}${error.type}`,
        });
      }
    });

    it("gives 500 to a HallmarkError of no mapped class even when its slug is a mapped class's", function () {
      expect(problemFor(new UnmappedError("?")).problem.status).to.equal(500);
    });

    it("keeps the Invalid document title for a document that breaks its schema, and 503 with Retry-After for a dependency", function () {
      expect(problemFor(new InvalidDocumentError("bad")).problem).to.include({
        status: 422,
        title: "Invalid document",
      });
      expect(problemFor(new DependencyUnavailableError("down", 7))).to.deep.include({ retryAfterSeconds: 7 });
      expect(problemFor(new UpstreamError("odd")).problem.status).to.equal(502);
    });
  });

  it("never sends the message of an error outside the taxonomy", function () {
    const { problem } = problemFor(new Error("/srv/hallmark/secret.ts:12 exploded"), "/v1/x");
    expect(problem).to.deep.equal({
      type: `${PROBLEM_TYPE_BASE}internal-error`,
      title: "Internal error",
      status: 500,
      instance: "/v1/x",
    });
  });
});

describe("problemHandler logging", function () {
  function logged(error: unknown, url: string) {
    const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
    const record =
      (level: string) =>
      (fields: Record<string, unknown>, message: string): void =>
        void lines.push({ level, fields, message });
    const logger = {
      info: record("info"),
      warn: record("warn"),
      error: record("error"),
    } as unknown as Logger;
    const response = {
      headersSent: false,
      setHeader: () => response,
      status: () => response,
      type: () => response,
      send: () => response,
    };
    problemHandler(logger)(error, { originalUrl: url } as Request, response as unknown as Response, () => {});
    return lines;
  }

  it("logs /readyz answering 503 while the index catches up as one info line, without a stack", function () {
    const lines = logged(new DependencyUnavailableError("The index is catching up"), "/readyz");
    expect(lines).to.have.length(1);
    expect(lines[0]).to.deep.include({ level: "info", message: "The index is catching up" });
    expect(lines[0].fields).to.not.have.property("err");
  });

  it("logs an unexpected failure as an error with the error itself", function () {
    const lines = logged(new Error("boom"), "/v1/certificates/1");
    expect(lines).to.have.length(1);
    expect(lines[0].level).to.equal("error");
    expect(lines[0].fields.err).to.be.instanceOf(Error);
  });
});
