import { expect } from "chai";
import { DependencyUnavailableError, UnprocessableError } from "../../../../server/errors.js";
import type { HallmarkContracts } from "../../../../server/issuer/contracts.js";
import { TransactionRefusedError } from "../../../../server/issuer/errors.js";
import { makeTempDir } from "../../support/temp-dir.js";
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

describe("MintJobs keeping a job's failure", function () {
  it("answers a finished job's failure with its own error class, read back from the records", async function () {
    const workDir = await makeTempDir("mint-jobs");
    const records = new MemoryMintJobRecords();
    let contextCalls = 0;
    const contracts = {
      registry: { brand: () => Promise.resolve({ name: "Maison A" }) },
    } as unknown as HallmarkContracts;
    const jobs = new MintJobs({
      queue: new BrandQueue(),
      store: {} as MetadataStore,
      workDir: workDir.path,
      records,
      // Validation gets the brand's context; the run that follows is refused by the chain.
      contextOf: () => {
        if (++contextCalls > 1)
          throw new TransactionRefusedError(
            "The registry refused the mint: BrandNotActive(1)",
            "BrandNotActive",
            [1n],
          );
        return { contracts, signer: {} as never, brandSalt: "0x" + "11".repeat(32) };
      },
    });
    try {
      const row = {
        serial: "FAIL-0001",
        productName: "Sac",
        modelReference: "AU-25",
        materials: "Calfskin:100",
        manufactureCountry: "IT",
        manufactureDate: "2025-03",
        care: "Dry cloth",
        images: "bag.svg",
      };
      const picture = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>').toString(
        "base64",
      );
      const { job } = await jobs.create({
        brandId: 1,
        rows: [row],
        media: [{ path: "bag.svg", contentBase64: picture }],
        idempotencyKey: "fail-1",
        createdBy: "00000000000000aa",
      });
      for (let i = 0; i < 100 && (await records.get(1, job.id))?.view.status !== "failed"; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await new Promise((resolve) => setImmediate(resolve)); // the job leaves this process's live views
      // Read back from the records, the failure keeps the class the API maps to 422, its type and message.
      const read = await jobs.get(1, job.id);
      expect(read.status).to.equal("failed");
      expect(read.error).to.be.instanceOf(UnprocessableError);
      expect(read.error).to.include({
        type: "transaction-refused",
        message: "The registry refused the mint: BrandNotActive(1)",
      });
    } finally {
      jobs.cancelAll();
      await workDir.remove();
    }
  });
});
