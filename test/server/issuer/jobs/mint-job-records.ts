import { expect } from "chai";
import { HallmarkError, UnprocessableError } from "../../../../server/errors.js";
import { TransactionRefusedError } from "../../../../server/issuer/errors.js";
import { MemoryMintJobRecords } from "../../../../server/issuer/jobs/mint-job-records.js";
import type {
  MintJobRecords,
  MintJobRecordsOptions,
} from "../../../../server/issuer/jobs/mint-job-records.js";
import type { MintJobView } from "../../../../server/issuer/jobs/mint-jobs.js";
import { openDatabase } from "../../../../server/store/postgres/database.js";
import { PostgresMintJobRecords } from "../../../../server/store/postgres/mint-job-records.js";
import { createThrowawayDatabase } from "../../store/postgres/throwaway-database.js";
import type { ThrowawayDatabase } from "../../store/postgres/throwaway-database.js";

let nextBrand = 1;

function viewOf(
  brand: number,
  idempotencyKey: string,
  id: string,
  status: MintJobView["status"] = "queued",
): MintJobView {
  return {
    id,
    brand,
    status,
    idempotencyKey,
    createdBy: "00000000000000aa",
    createdAt: "2026-01-02T03:04:05.678Z",
    startedAt: null,
    finishedAt: null,
    rows: 2,
    progress: {
      validation: { rows: 2, total: 2 },
      ipfs: { files: 0, total: 3, directoryCid: null },
      chain: { toMint: null, sent: 0, confirmed: 0, batches: 0, alreadyOnChain: 0 },
    },
    summary: null,
    receipt: null,
    error: null,
  };
}

/** What every MintJobRecords keeps; `make` gives records with nothing of the test's brand. */
function shouldBehaveLikeMintJobRecords(make: (options: MintJobRecordsOptions) => MintJobRecords): void {
  let now: number;
  let records: MintJobRecords;
  let brand: number;

  beforeEach(function () {
    now = 1_000_000_000;
    records = make({ now: () => now });
    brand = nextBrand++;
  });

  it("claims an Idempotency-Key once: a second claim learns the first request's hash, then its job", async function () {
    expect(await records.claim(brand, "key-1", "hash-a")).to.deep.equal({ claimed: true });
    expect(await records.claim(brand, "key-1", "hash-b")).to.deep.equal({
      claimed: false,
      requestHash: "hash-a",
      jobId: null,
    });
    await records.save(viewOf(brand, "key-1", "mj_1"));
    expect(await records.claim(brand, "key-1", "hash-a")).to.deep.equal({
      claimed: false,
      requestHash: "hash-a",
      jobId: "mj_1",
    });
  });

  it("keeps keys per brand", async function () {
    expect(await records.claim(brand, "shared-key", "hash-a")).to.deep.equal({ claimed: true });
    expect(await records.claim(brand + 10_000, "shared-key", "hash-b")).to.deep.equal({ claimed: true });
  });

  it("lets exactly one of many concurrent claims of a key win", async function () {
    const claims = await Promise.all(Array.from({ length: 6 }, () => records.claim(brand, "racy", "hash-a")));
    expect(claims.filter((claim) => claim.claimed)).to.have.length(1);
  });

  it("frees a refused request's key, but never a created job's", async function () {
    await records.claim(brand, "refused", "hash-a");
    await records.unclaim(brand, "refused");
    expect(await records.claim(brand, "refused", "hash-b")).to.deep.equal({ claimed: true });
    await records.save(viewOf(brand, "refused", "mj_2"));
    await records.unclaim(brand, "refused");
    expect(await records.claim(brand, "refused", "hash-c")).to.include({ claimed: false, jobId: "mj_2" });
  });

  it("reads a job back as last saved, with its fields in order and when it was saved, for its brand only", async function () {
    await records.claim(brand, "key-2", "hash-a");
    const view = viewOf(brand, "key-2", "mj_3");
    await records.save(view);
    now += 5_000;
    const running = { ...view, status: "running" as const, startedAt: "2026-01-02T03:04:06.000Z" };
    running.progress = { ...view.progress, chain: { ...view.progress.chain, sent: 1 } };
    await records.save(running);
    const stored = await records.get(brand, "mj_3");
    expect(stored?.view).to.deep.equal(running);
    expect(JSON.stringify(stored?.view)).to.equal(JSON.stringify(running));
    expect(stored?.updatedAt).to.equal(now);
    expect(await records.get(brand + 10_000, "mj_3")).to.equal(null);
    expect(await records.get(brand, "mj_unknown")).to.equal(null);
  });

  it("keeps a failure as the problem it answers (kind, type, message, details), and nothing of an unexpected one", async function () {
    await records.claim(brand, "refused", "h");
    const refused = viewOf(brand, "refused", `mj_${brand}_refused`, "failed");
    refused.error = new TransactionRefusedError(
      "The registry refused the mint: BrandNotActive(3)",
      "BrandNotActive",
      [3n],
    );
    await records.save(refused);
    const error = (await records.get(brand, refused.id))?.view.error;
    expect(error).to.be.instanceOf(UnprocessableError); // answered 422, as the original
    expect(error).to.include({
      type: "transaction-refused",
      message: "The registry refused the mint: BrandNotActive(3)",
    });

    await records.claim(brand, "crashed", "h");
    const crashed = viewOf(brand, "crashed", `mj_${brand}_crashed`, "failed");
    crashed.error = new TypeError("cannot read properties of undefined (reading 'secret')");
    await records.save(crashed);
    const unexpected = (await records.get(brand, crashed.id))?.view.error;
    expect(unexpected).to.be.instanceOf(Error).and.not.instanceOf(HallmarkError);
    expect(unexpected?.message).to.not.include("secret");
  });

  it("forgets the oldest finished jobs beyond its bound, with their keys, never an unfinished one", async function () {
    const bounded = make({ now: () => now, maxKept: 2 });
    const before = await bounded.count();
    await bounded.claim(brand, "running", "h");
    await bounded.save(viewOf(brand, "running", `mj_${brand}_r`, "running"));
    for (const n of [1, 2, 3]) {
      await bounded.claim(brand, `done-${n}`, "h");
      await bounded.save(viewOf(brand, `done-${n}`, `mj_${brand}_${n}`, "succeeded"));
    }
    expect(await bounded.count()).to.equal(Math.max(2, before));
    expect(await bounded.get(brand, `mj_${brand}_r`)).to.not.equal(null);
    expect(await bounded.get(brand, `mj_${brand}_1`)).to.equal(null);
    expect(await bounded.get(brand, `mj_${brand}_3`)).to.not.equal(null);
    expect(await bounded.claim(brand, "done-1", "other")).to.deep.equal({ claimed: true });
  });
}

describe("MintJobRecords", function () {
  describe("MemoryMintJobRecords", function () {
    shouldBehaveLikeMintJobRecords((options) => new MemoryMintJobRecords(options));
  });

  describe("PostgresMintJobRecords", function () {
    let database: ThrowawayDatabase;

    // A database per test: the bound counts every brand's jobs.
    beforeEach(async function () {
      database = await createThrowawayDatabase();
    });
    afterEach(async function () {
      await database?.drop();
    });

    shouldBehaveLikeMintJobRecords((options) => new PostgresMintJobRecords(database.pool, options));

    it("honours an Idempotency-Key across verifiers: the job created on one is the job the other returns", async function () {
      const poolB = await openDatabase(database.url, { variable: "HALLMARK_TEST_DATABASE_URL" });
      try {
        const onA = new PostgresMintJobRecords(database.pool);
        const onB = new PostgresMintJobRecords(poolB);
        expect(await onA.claim(1, "erp-batch-7", "hash-a")).to.deep.equal({ claimed: true });
        await onA.save(viewOf(1, "erp-batch-7", "mj_fleet"));
        expect(await onB.claim(1, "erp-batch-7", "hash-a")).to.deep.equal({
          claimed: false,
          requestHash: "hash-a",
          jobId: "mj_fleet",
        });
        expect((await onB.get(1, "mj_fleet"))?.view.id).to.equal("mj_fleet");
      } finally {
        await poolB.end();
      }
    });
  });
});
