import { expect } from "chai";
import type { Wallet } from "ethers";
import { claimKeyOf, parseClaimCode } from "../../../../server/chain/claim-code.js";
import { signTypedMessage } from "../../../../server/chain/eip712.js";
import { eip712Domain, ethers, Status } from "../../../contracts/fixtures.js";
import { buildIssuerStack, manifestRows, PICTURE, SALE_DETAILS, waitForJob } from "./issuer-stack.js";
import type { IssuerStack } from "./issuer-stack.js";

/** The claim key a code yields (server/chain/claim-code.ts). */
function claimKeyOfCode(code: string): Wallet {
  const parsed = parseClaimCode(code);
  if (!parsed.ok) throw new Error(`not a claim code: ${parsed.problem}`);
  return claimKeyOf(parsed);
}

interface Problem {
  type: string;
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
}

interface ClaimCodesAnswer {
  issued: { tokenId: string; code: string; claimKey: string; claimUrl: string; txHash: string }[];
  skipped: { tokenId: string; reason: string }[];
}

describe("issuer API: claim codes, provenance events and status changes", function () {
  let stack: IssuerStack;
  let tokens: bigint[];
  let all: string;

  before(async function () {
    stack = await buildIssuerStack();
    all = await stack.createKey(1, ["mint", "claim-codes", "events", "status"]);
    const created = await stack.call<{ location: string }>("POST", "/v1/issuer/brands/1/mint-jobs", {
      key: all,
      body: { rows: manifestRows(4, "WF"), media: [PICTURE] },
      headers: { "idempotency-key": "workflows-0001" },
    });
    const job = (await waitForJob(stack, all, created.body.location)) as { receipt: { tokenId: string }[] };
    tokens = job.receipt.map((row) => BigInt(row.tokenId));
  });

  after(async function () {
    await stack?.close();
  });

  describe("POST /v1/issuer/brands/:brand/claim-codes", function () {
    let answer: { status: number; body: ClaimCodesAnswer };

    before(async function () {
      answer = await stack.call<ClaimCodesAnswer>("POST", "/v1/issuer/brands/1/claim-codes", {
        key: await stack.createKey(1, ["claim-codes"]),
        body: { tokenIds: [tokens[0].toString(), tokens[1].toString()] },
      });
    });

    it("sets a claim key per certificate and returns each code once, with its claim URL", async function () {
      expect(answer.status).to.equal(201);
      expect(answer.body.issued).to.have.length(2);
      for (const [index, issued] of answer.body.issued.entries()) {
        expect(issued.tokenId).to.equal(tokens[index].toString());
        expect(claimKeyOfCode(issued.code).address).to.equal(issued.claimKey);
        expect((await stack.certificate.claimStateOf(tokens[index]))[0]).to.equal(issued.claimKey);
        expect(issued.claimUrl).to.equal(
          `https://verify.example.test/claim/${tokens[index]}#code=${issued.code}`,
        );
      }
    });

    it("gives a code the buyer then uses on-chain with claimWithCode", async function () {
      const { code } = answer.body.issued[0];
      const [, nonce] = await stack.certificate.claimStateOf(tokens[0]);
      const deadline = BigInt((await ethers.provider.getBlock("latest"))!.timestamp + 3600);
      const signature = await signTypedMessage(
        claimKeyOfCode(code),
        "Claim",
        await eip712Domain(stack.certificate),
        { tokenId: tokens[0], recipient: stack.alice.address, nonce, deadline },
      );
      await (
        await stack.certificate
          .connect(stack.bob)
          .claimWithCode(tokens[0], stack.alice.address, deadline, signature)
      ).wait();
      expect(await stack.certificate.ownerOf(tokens[0])).to.equal(stack.alice.address);
    });

    it("stores and logs no code: neither the audit trail nor any log line holds one", async function () {
      const audit = JSON.stringify(await stack.issuer.audit.list(1, { limit: 500 }));
      const logs = stack.logLines.join("");
      for (const { code } of answer.body.issued) {
        expect(audit).to.not.include(code);
        expect(logs).to.not.include(code);
      }
    });

    describe("when a certificate has a code already", function () {
      it("skips it (a code is shown once) unless rotate is set", async function () {
        const key = await stack.createKey(1, ["claim-codes"]);
        const again = await stack.call<ClaimCodesAnswer>("POST", "/v1/issuer/brands/1/claim-codes", {
          key,
          body: { tokenIds: [tokens[1].toString()] },
        });
        expect(again.status).to.equal(201);
        expect(again.body.issued).to.deep.equal([]);
        expect(again.body.skipped.map((s) => s.tokenId)).to.deep.equal([tokens[1].toString()]);
        const rotated = await stack.call<ClaimCodesAnswer>("POST", "/v1/issuer/brands/1/claim-codes", {
          key,
          body: { tokenIds: [tokens[1].toString()], rotate: true },
        });
        expect(rotated.body.issued[0].claimKey).to.not.equal(answer.body.issued[1].claimKey);
        expect((await stack.certificate.claimStateOf(tokens[1]))[0]).to.equal(
          rotated.body.issued[0].claimKey,
        );
      });
    });

    describe("when the brand's key may not set a code on a certificate", function () {
      it("refuses the whole request with 422, naming the token, and sets no key", async function () {
        const block = await ethers.provider.getBlockNumber();
        const { status, body } = await stack.call<Problem>("POST", "/v1/issuer/brands/1/claim-codes", {
          key: all,
          body: { tokenIds: [tokens[2].toString(), tokens[0].toString()] },
        });
        expect(status).to.equal(422);
        expect(body.errors).to.have.length(1);
        expect(body.errors![0].path).to.equal("body.tokenIds.1");
        expect(body.errors![0].message).to.match(/^owned by 0x[0-9a-fA-F]{40}; the brand's issuer key/);
        expect(await ethers.provider.getBlockNumber()).to.equal(block);
      });
    });
  });

  describe("POST /v1/issuer/brands/:brand/events", function () {
    it("publishes the details and records a sale that /provenance then shows", async function () {
      const { status, body } = await stack.call<{
        txHash: string;
        detailsDigest: string;
        detailsCid: string;
      }>("POST", "/v1/issuer/brands/1/events", {
        key: await stack.createKey(1, ["events"]),
        body: { tokenId: tokens[2].toString(), kind: "sale", details: SALE_DETAILS },
      });
      expect(status).to.equal(201);
      expect(body.detailsDigest).to.match(/^0x[0-9a-f]{64}$/);
      await stack.sync();
      const provenance = await stack.call<{
        items: { kind: string; txHash: string; details: { digest: string; cid: string } | null }[];
      }>("GET", `/v1/certificates/${tokens[2]}/provenance`);
      const sale = provenance.body.items.find((item) => item.kind === "sale");
      expect(sale).to.deep.include({ txHash: body.txHash });
      expect(sale!.details).to.deep.equal({ digest: body.detailsDigest, cid: body.detailsCid });
    });

    describe("when the details break their schema", function () {
      it("refuses with 422 and sends nothing", async function () {
        const block = await ethers.provider.getBlockNumber();
        const { status, body } = await stack.call<Problem>("POST", "/v1/issuer/brands/1/events", {
          key: all,
          body: {
            tokenId: tokens[2].toString(),
            kind: "inspection",
            details: { ...SALE_DETAILS, kind: "inspected" },
          },
        });
        expect(status).to.equal(422);
        expect(body.type).to.equal("https://hallmark.dev/problems/invalid-document");
        expect(await ethers.provider.getBlockNumber()).to.equal(block);
      });
    });

    describe("when the contract refuses the event for the brand's key", function () {
      it("answers 422 transaction-refused with the custom error, and sends nothing", async function () {
        const block = await ethers.provider.getBlockNumber();
        const repair = {
          schema: "hallmark.provenance-details.v1",
          kind: "repaired",
          actor: { name: "Atelier", role: "brand" },
          date: "2025-01-09T10:00:00Z",
          repair: { description: "Handle re-stitched" },
        };
        const { status, body } = await stack.call<Problem>("POST", "/v1/issuer/brands/1/events", {
          key: all,
          body: { tokenId: tokens[2].toString(), kind: "repair", details: repair },
        });
        expect(status).to.equal(422);
        expect(body.type).to.equal("https://hallmark.dev/problems/transaction-refused");
        expect(body.detail).to.match(/^recordProvenance was refused: HallmarkUnauthorizedProvenance\(/);
        expect(await ethers.provider.getBlockNumber()).to.equal(block);
      });
    });
  });

  describe("POST /v1/issuer/brands/:brand/certificates/:tokenId/status", function () {
    it("reports a certificate stolen, then restores it, with the reasons on-chain and in the index", async function () {
      const key = await stack.createKey(1, ["status"]);
      const stolen = await stack.call<{ action: string; txHash: string }>(
        "POST",
        `/v1/issuer/brands/1/certificates/${tokens[3]}/status`,
        { key, body: { action: "stolen", reason: "Boutique break-in" } },
      );
      expect(stolen.status).to.equal(200);
      expect(stolen.body.action).to.equal("stolen");
      expect(await stack.certificate.statusOf(tokens[3])).to.equal(Status.Stolen);
      await stack.sync();
      const view = await stack.call<{ status: string; statusReason: string }>(
        "GET",
        `/v1/certificates/${tokens[3]}`,
      );
      expect(view.body).to.include({ status: "stolen", statusReason: "Boutique break-in" });
      await stack.call("POST", `/v1/issuer/brands/1/certificates/${tokens[3]}/status`, {
        key,
        body: { action: "restore", reason: "Recovered" },
      });
      expect(await stack.certificate.statusOf(tokens[3])).to.equal(Status.Active);
    });

    describe("when the change is not allowed from the current status", function () {
      it("answers 422 with HallmarkInvalidStatusChange", async function () {
        const { status, body } = await stack.call<Problem>(
          "POST",
          `/v1/issuer/brands/1/certificates/${tokens[3]}/status`,
          { key: all, body: { action: "restore", reason: "again" } },
        );
        expect(status).to.equal(422);
        expect(body.detail).to.match(/HallmarkInvalidStatusChange/);
      });
    });

    describe("when the body is malformed", function () {
      it("refuses an unknown action or an empty reason with 400", async function () {
        const { status, body } = await stack.call<Problem>(
          "POST",
          `/v1/issuer/brands/1/certificates/${tokens[3]}/status`,
          { key: all, body: { action: "burn", reason: " " } },
        );
        expect(status).to.equal(400);
        expect(body.errors!.map((e) => e.path)).to.deep.equal(["body.action", "body.reason"]);
      });
    });
  });

  describe("GET /v1/issuer/audit", function () {
    it("records who did what, when, and the outcome, including the finished mint job", async function () {
      const { body } = await stack.call<{
        items: {
          keyId: string;
          action: string;
          outcome: string;
          status: number;
          target: string;
          at: string;
        }[];
      }>("GET", "/v1/issuer/audit?limit=500", { key: all });
      const actions = body.items.map((entry) => `${entry.action}:${entry.outcome}`);
      expect(actions).to.include.members([
        "mint-job.create:ok",
        "mint-job.finish:succeeded",
        "claim-codes.create:ok",
        "claim-codes.create:refused",
        "event.record:ok",
        "event.record:refused",
        "status.change:ok",
      ]);
      const created = body.items.find((entry) => entry.action === "mint-job.create")!;
      expect(created.keyId).to.equal(all.split("_")[1]);
      expect(created.target).to.match(/^mj_[0-9a-f]{24} \(4 rows\)$/);
      expect(Date.parse(created.at)).to.be.closeTo(Date.now(), 120_000);
    });
  });
});
