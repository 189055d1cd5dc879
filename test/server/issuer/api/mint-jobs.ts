import { expect } from "chai";
import { ethers } from "../../../contracts/fixtures.js";
import { buildIssuerStack, manifestRows, PICTURE, waitForJob } from "./issuer-stack.js";
import type { IssuerStack } from "./issuer-stack.js";

interface JobAnswer {
  location: string;
  job: {
    id: string;
    status: string;
    rows: number;
    progress: {
      validation: { rows: number };
      ipfs: { files: number; directoryCid: string | null };
      chain: { confirmed: number; toMint: number | null };
    };
    summary: { minted: number; alreadyOnChain: number; batches: number } | null;
    receipt: { row: number; serial: string; tokenId: string; txHash: string; source: string }[] | null;
  };
}

interface Problem {
  type: string;
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
}

describe("issuer API: mint jobs", function () {
  let stack: IssuerStack;
  let key: string;

  before(async function () {
    stack = await buildIssuerStack();
    key = await stack.createKey(1, ["mint"]);
  });

  after(async function () {
    await stack?.close();
  });

  describe("POST /v1/issuer/brands/:brand/mint-jobs", function () {
    const body = { rows: manifestRows(20, "MJ"), media: [PICTURE] };
    let created: { status: number; headers: Headers; body: JobAnswer };
    let finished: JobAnswer["job"];

    before(async function () {
      created = await stack.call<JobAnswer>("POST", "/v1/issuer/brands/1/mint-jobs", {
        key,
        body,
        headers: { "idempotency-key": "catalogue-2025-spring" },
      });
      finished = (await waitForJob(stack, key, created.body.location)) as JobAnswer["job"];
    });

    it("accepts a 20-row manifest with 202, the job id and its Location", function () {
      expect(created.status).to.equal(202);
      expect(created.body.job.id).to.match(/^mj_[0-9a-f]{24}$/);
      expect(created.headers.get("location")).to.equal(
        `/v1/issuer/brands/1/mint-jobs/${created.body.job.id}`,
      );
      expect(created.body.job.rows).to.equal(20);
      expect(["queued", "running"]).to.include(created.body.job.status);
    });

    it("mints every row and reports progress by stage and a receipt row per serial", function () {
      expect(finished.status, JSON.stringify(finished)).to.equal("succeeded");
      expect(finished.summary).to.include({ minted: 20, alreadyOnChain: 0 });
      expect(finished.progress.validation.rows).to.equal(20);
      expect(finished.progress.ipfs.files).to.equal(21);
      expect(finished.progress.ipfs.directoryCid).to.be.a("string");
      expect(finished.progress.chain).to.include({ toMint: 20, confirmed: 20 });
      expect(finished.receipt!.map((r) => r.row)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(
        finished.receipt!.every((r) => r.source === "minted" && /^0x[0-9a-f]{64}$/.test(r.txHash)),
      ).to.equal(true);
    });

    it("puts the certificates in the brand's vault, listed by GET /v1/certificates once indexed", async function () {
      await stack.sync();
      const { status, body: page } = await stack.call<{
        items: { tokenId: string; custody: string; owner: string }[];
      }>("GET", "/v1/certificates?brand=1&limit=100");
      expect(status).to.equal(200);
      const listed = new Map(page.items.map((item) => [item.tokenId, item]));
      for (const row of finished.receipt!) {
        expect(listed.get(row.tokenId), row.serial).to.include({
          custody: "brand_vault_unclaimed",
          owner: stack.vaultA.address,
        });
      }
      const first = await stack.call<{ metadata: { verified: boolean } }>(
        "GET",
        `/v1/certificates/${finished.receipt![0].tokenId}`,
      );
      expect(first.body.metadata.verified).to.equal(true);
    });

    describe("when the same Idempotency-Key comes again", function () {
      it("returns the same job with 200 and mints nothing more", async function () {
        const block = await ethers.provider.getBlockNumber();
        const again = await stack.call<JobAnswer>("POST", "/v1/issuer/brands/1/mint-jobs", {
          key,
          body,
          headers: { "idempotency-key": "catalogue-2025-spring" },
        });
        expect(again.status).to.equal(200);
        expect(again.headers.get("idempotent-replayed")).to.equal("true");
        expect(again.body.job.id).to.equal(created.body.job.id);
        expect(again.body.job.status).to.equal("succeeded");
        await stack.issuer.service.queue.idle();
        expect(await ethers.provider.getBlockNumber()).to.equal(block);
      });

      it("refuses it with another body with 422 idempotency-key-reused", async function () {
        const other = await stack.call<Problem>("POST", "/v1/issuer/brands/1/mint-jobs", {
          key,
          body: { ...body, serialVisibility: "clear" },
          headers: { "idempotency-key": "catalogue-2025-spring" },
        });
        expect(other.status).to.equal(422);
        expect(other.body.type).to.equal("https://hallmark.dev/problems/idempotency-key-reused");
      });
    });

    describe("when a new job names serials already minted", function () {
      it("finds them on-chain and mints only the new rows", async function () {
        const rows = [...manifestRows(20, "MJ").slice(0, 3), ...manifestRows(2, "MJ-NEW")];
        const again = await stack.call<JobAnswer>("POST", "/v1/issuer/brands/1/mint-jobs", {
          key,
          body: { rows, media: [PICTURE] },
          headers: { "idempotency-key": "catalogue-2025-spring-retry" },
        });
        expect(again.status).to.equal(202);
        const job = (await waitForJob(stack, key, again.body.location)) as JobAnswer["job"];
        expect(job.summary).to.include({ minted: 2, alreadyOnChain: 3 });
        expect(job.receipt!.filter((r) => r.source === "found").map((r) => r.serial)).to.deep.equal([
          "MJ-0001",
          "MJ-0002",
          "MJ-0003",
        ]);
      });
    });
  });

  describe("when the manifest is invalid", function () {
    it("refuses with 422 listing every row error with its row number, and creates no job", async function () {
      const rows: Record<string, unknown>[] = manifestRows(4, "BAD");
      rows[1] = { ...rows[1], serial: undefined };
      rows[2] = { ...rows[2], materials: "Calfskin" };
      rows[3] = { ...rows[3], serial: "BAD-0001" };
      const block = await ethers.provider.getBlockNumber();
      const jobs = await stack.issuer.service.mintJobs.count();
      const { status, body } = await stack.call<Problem>("POST", "/v1/issuer/brands/1/mint-jobs", {
        key,
        body: { rows, media: [PICTURE] },
        headers: { "idempotency-key": "bad-manifest-0001" },
      });
      expect(status).to.equal(422);
      expect(body.type).to.equal("https://hallmark.dev/problems/invalid-manifest");
      const paths = body.errors!.map((e) => e.path);
      expect(paths).to.include.members(["row 2.serial", "row 3.materials", "row 4.serial"]);
      expect(body.errors!.find((e) => e.path === "row 4.serial")!.message).to.equal("duplicates row 1");
      expect(await stack.issuer.service.mintJobs.count()).to.equal(jobs);
      expect(await ethers.provider.getBlockNumber()).to.equal(block);
    });

    it("lets the fixed manifest reuse the Idempotency-Key of the refused one", async function () {
      const { status } = await stack.call<JobAnswer>("POST", "/v1/issuer/brands/1/mint-jobs", {
        key,
        body: { rows: manifestRows(1, "FIXED"), media: [PICTURE] },
        headers: { "idempotency-key": "bad-manifest-0001" },
      });
      expect(status).to.equal(202);
      await stack.issuer.service.queue.idle();
    });
  });

  describe("when the request is malformed", function () {
    it("refuses a missing Idempotency-Key with 400", async function () {
      const { status, body } = await stack.call<Problem>("POST", "/v1/issuer/brands/1/mint-jobs", {
        key,
        body: { rows: manifestRows(1, "NOKEY") },
      });
      expect(status).to.equal(400);
      expect(body.errors).to.deep.equal([{ path: "header.Idempotency-Key", message: "required" }]);
    });

    it("refuses a picture path that leaves the media folder with 400", async function () {
      const { status, body } = await stack.call<Problem>("POST", "/v1/issuer/brands/1/mint-jobs", {
        key,
        body: {
          rows: manifestRows(1, "ESC"),
          media: [{ path: "../escape.svg", contentBase64: PICTURE.contentBase64 }],
        },
        headers: { "idempotency-key": "escape-0001" },
      });
      expect(status).to.equal(400);
      expect(body.errors![0].path).to.equal("body.media.0.path");
    });

    it("answers 404 for a job of another brand's id or an unknown id", async function () {
      const { status } = await stack.call("GET", `/v1/issuer/brands/1/mint-jobs/mj_${"0".repeat(24)}`, {
        key,
      });
      expect(status).to.equal(404);
    });
  });
});
