import { expect } from "chai";
import { PROBLEM_TYPE_BASE } from "../../../../server/http/problem.js";
import { mintJobAnswer } from "../../../../server/issuer/api/mint-job-answer.js";
import { TransactionRefusedError } from "../../../../server/issuer/errors.js";
import type { MintJobView } from "../../../../server/issuer/jobs/mint-jobs.js";

function failedJob(error: Error): MintJobView {
  return {
    id: "mj_000000000000000000000001",
    brand: 1,
    status: "failed",
    idempotencyKey: "key-0001",
    createdBy: "key1",
    createdAt: "2026-01-01T00:00:00.000Z",
    startedAt: "2026-01-01T00:00:01.000Z",
    finishedAt: "2026-01-01T00:00:02.000Z",
    rows: 1,
    progress: {
      validation: { rows: 1, total: 1 },
      ipfs: { files: 0, total: 2, directoryCid: null },
      chain: { toMint: 1, sent: 0, confirmed: 0, batches: 0, alreadyOnChain: 0 },
    },
    summary: null,
    receipt: null,
    error,
  };
}

describe("mintJobAnswer", function () {
  it("sends the domain error that failed a job as a problem document, and leaves the stored job as it was", function () {
    const job = failedJob(
      new TransactionRefusedError(
        "The registry refused the batch: HallmarkBrandPaused",
        "HallmarkBrandPaused",
        [1n],
      ),
    );
    const answer = mintJobAnswer(job);
    expect(answer.error).to.deep.equal({
      type: `${PROBLEM_TYPE_BASE}transaction-refused`,
      title: "Unprocessable request",
      status: 422,
      detail: "The registry refused the batch: HallmarkBrandPaused",
      instance: undefined,
    });
    expect(job.error).to.be.instanceOf(TransactionRefusedError);
    expect(JSON.parse(JSON.stringify(answer))).to.include({ id: job.id, status: "failed" });
  });

  it("answers an unexpected failure as an internal error without its message", function () {
    const answer = mintJobAnswer(failedJob(new Error("ENOSPC: /var/lib/hallmark/issuer-jobs")));
    expect(answer.error).to.deep.equal({
      type: `${PROBLEM_TYPE_BASE}internal-error`,
      title: "Internal error",
      status: 500,
      instance: undefined,
    });
  });
});
