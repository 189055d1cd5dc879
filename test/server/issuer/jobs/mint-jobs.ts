import { expect } from "chai";
import { DependencyUnavailableError } from "../../../../server/errors.js";
import type { MetadataStore } from "../../../../server/ipfs/metadata-store.js";
import { BrandQueue } from "../../../../server/issuer/jobs/brand-queue.js";
import { MemoryMintJobRecords } from "../../../../server/issuer/jobs/mint-job-records.js";
import { MintJobs } from "../../../../server/issuer/jobs/mint-jobs.js";
import type { MintJobView } from "../../../../server/issuer/jobs/mint-jobs.js";

function runningView(id: string): MintJobView {
  return {
    id,
    brand: 1,
    status: "running",
    idempotencyKey: `key-${id}`,
    createdBy: "00000000000000aa",
    createdAt: "2026-01-02T03:04:05.678Z",
    startedAt: "2026-01-02T03:04:06.000Z",
    finishedAt: null,
    rows: 1,
    progress: {
      validation: { rows: 1, total: 1 },
      ipfs: { files: 0, total: 2, directoryCid: null },
      chain: { toMint: null, sent: 0, confirmed: 0, batches: 0, alreadyOnChain: 0 },
    },
    summary: null,
    receipt: null,
    error: null,
  };
}

/** Reading jobs another verifier runs (their views come from the shared MintJobRecords). */
describe("MintJobs reading a job run elsewhere", function () {
  let records: MemoryMintJobRecords;
  let savedAt: number;
  let jobs: MintJobs;

  beforeEach(function () {
    savedAt = Date.now();
    records = new MemoryMintJobRecords({ now: () => savedAt });
    jobs = new MintJobs({
      queue: new BrandQueue(),
      // Never touched: reading a job neither mints nor reads IPFS.
      store: {} as MetadataStore,
      workDir: "/nonexistent",
      contextOf: () => {
        throw new Error("reading a job needs no brand context");
      },
      records,
      staleAfterMs: 60_000,
    });
  });
  afterEach(function () {
    jobs.cancelAll();
  });

  it("answers a job its verifier keeps touching as it was saved", async function () {
    await records.claim(1, "key-mj_live", "h");
    await records.save(runningView("mj_live"));
    expect(await jobs.get(1, "mj_live")).to.deep.equal(runningView("mj_live"));
  });

  it("answers failed, saying so, for an unfinished job its verifier stopped touching", async function () {
    savedAt = Date.now() - 60_001;
    await records.claim(1, "key-mj_orphan", "h");
    await records.save(runningView("mj_orphan"));
    const job = await jobs.get(1, "mj_orphan");
    expect(job.status).to.equal("failed");
    expect(job.error).to.be.instanceOf(DependencyUnavailableError);
    expect(job.error?.message).to.match(/^The verifier running this job stopped before it finished/);
  });

  it("answers 404 for another brand's job", async function () {
    await records.claim(1, "key-mj_other", "h");
    await records.save(runningView("mj_other"));
    const refused = await jobs.get(2, "mj_other").catch((error: unknown) => error);
    expect(refused).to.have.property("type", "not-found");
  });
});
