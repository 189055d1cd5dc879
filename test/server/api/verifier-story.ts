/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return --
   JSON answers are read as loose objects here: the assertions are the type checks. */
import { expect } from "chai";
import { ethers as ethersLib } from "ethers";
import { createApp } from "../../../server/app.js";
import { EventStreams } from "../../../server/api/routes/events.js";
import { CertificateChain } from "../../../server/chain/contracts.js";
import { MemoryChallengeStore } from "../../../server/verification/memory-challenge-store.js";
import { freshnessOf } from "../../../server/verification/freshness.js";
import { buildTwinCollection } from "../../../server/issuer/twinCollection.js";
import type { ChipChallengePayload } from "../../../server/verification/chip.js";
import type {
  OwnershipChallengePayload,
  OwnershipProofResult,
} from "../../../server/verification/ownership.js";
import { certificateDomain, signTypedMessage } from "../../../server/chain/eip712.js";
import { ethers, networkHelpers } from "../../contracts/fixtures.js";
import { listen } from "../support/http-server.js";
import { buildStack, getJson, PASSPORT_GTIN, postJson } from "./stack.js";
import type { Stack } from "./stack.js";

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Signs the typed data the API handed out, as a wallet would (ethers takes the types without EIP712Domain). */
async function signOwnership(
  signer: { signTypedData: ethersLib.Signer["signTypedData"] },
  typedData: Body,
  owner: string,
): Promise<string> {
  const { EIP712Domain: _domain, ...types } = typedData.types as Record<string, ethersLib.TypedDataField[]>;
  return signer.signTypedData(typedData.domain as ethersLib.TypedDataDomain, types, {
    ...typedData.message,
    owner,
  });
}

describe("Verifier API (real stack: EDR chain, Helia, sqlite, indexer)", function () {
  let stack: Stack;
  let vaulted: bigint; // in brand custody with a chip and a claim code
  let sold: bigint; // owned by alice (EOA)
  let walletOwned: bigint; // owned by an EIP-1271 smart wallet
  const chipKey = ethersLib.Wallet.createRandom();
  const claimKey = ethersLib.Wallet.createRandom();

  before(async function () {
    stack = await buildStack();
    vaulted = await stack.issue("MA-0001", stack.vaultA.address, {
      chip: chipKey.address,
      claimKey: claimKey.address,
    });
    sold = await stack.issue("MA-0002", stack.alice.address);
    const wallet = await ethers.deployContract("SmartWallet", [stack.carol.address]);
    walletOwned = await stack.issue("MA-0003", await wallet.getAddress());
    await stack.sync();
  });

  after(async function () {
    await stack?.close();
  });

  describe("scene: a customer scans the QR code in a second-hand shop", function () {
    it("resolves the serial to a genuine certificate in brand custody with verified metadata", async function () {
      const { status, body } = await getJson<Body>(`${stack.url}/v1/brands/1/items/MA-0001`);
      expect(status).to.equal(200);
      expect(body.tokenId).to.equal(vaulted.toString());
      expect(body.brand).to.deep.equal({ id: 1, name: "Maison A" });
      expect(body.status).to.equal("active");
      expect(body.custody).to.equal("brand_vault_unclaimed");
      expect(body.owner).to.equal(stack.vaultA.address);
      expect(body.chip).to.deep.equal({ bound: true, address: chipKey.address });
      expect(body.metadata.verified).to.equal(true);
      expect(body.metadata.cid).to.match(/^bafkrei/);
      expect(body.metadata.document.name).to.include("MA-0001");
      expect(body.flags).to.deep.equal([]);
      expect(body.verdict).to.equal("genuine");
      expect(body.index.caughtUp).to.equal(true);
      expect(body.index.block).to.be.a("number");
    });

    it("answers the same certificate by token id, with the index's freshness", async function () {
      const { status, body } = await getJson<Body>(`${stack.url}/v1/certificates/${sold.toString()}`);
      expect(status).to.equal(200);
      expect(body.owner).to.equal(stack.alice.address);
      expect(body.custody).to.equal("owner");
      expect(body.chip.bound).to.equal(false);
      expect(body.index).to.include.keys("block", "caughtUp");
    });

    it("sends a browser following the GS1 Digital Link to the verification page", async function () {
      const gtin = PASSPORT_GTIN;
      const response = await fetch(`${stack.url}/01/${gtin}/21/MA-0002`, {
        headers: { accept: "text/html,application/xhtml+xml" },
        redirect: "manual",
      });
      expect(response.status).to.equal(307);
      expect(response.headers.get("location")).to.equal(
        `${stack.url}/v/${sold.toString()}?gtin=${gtin}&serial=MA-0002`,
      );
      const page = await fetch(response.headers.get("location") ?? "");
      expect(page.headers.get("content-type")).to.match(/^text\/html/);
      expect(await page.text()).to.include("Genuine");
    });

    it("gives an API client following the GS1 Digital Link the certificate JSON", async function () {
      const { status, body } = await getJson<Body>(`${stack.url}/01/${PASSPORT_GTIN}/21/MA-0002`);
      expect(status).to.equal(200);
      expect(body.tokenId).to.equal(sold.toString());
      expect(body.verdict).to.equal("genuine");
      expect(body.digitalLink.gtinCheck).to.equal("match");
    });
  });

  describe("scene: the seller proves ownership from their own wallet", function () {
    it("accepts the EOA owner's EIP-712 signature checked at the head", async function () {
      const challenge = await postJson<Body>(`${stack.url}/v1/ownership/challenges`, {
        tokenId: sold.toString(),
      });
      expect(challenge.status).to.equal(201);
      expect(challenge.body.typedData.primaryType).to.equal("OwnershipProof");
      expect(challenge.body.typedData.domain.verifyingContract).to.equal(
        stack.deployments.contracts.HallmarkCertificate,
      );
      const signature = await signOwnership(stack.alice, challenge.body.typedData, stack.alice.address);
      const proof = await postJson<Body>(`${stack.url}/v1/ownership/proofs`, {
        challengeId: challenge.body.challengeId,
        signature,
      });
      expect(proof.status).to.equal(200);
      expect(proof.body).to.include({ owner: true, address: stack.alice.address, tokenId: sold.toString() });
    });

    it("refuses a replayed proof with 409", async function () {
      const challenge = await postJson<Body>(`${stack.url}/v1/ownership/challenges`, {
        tokenId: sold.toString(),
      });
      const signature = await signOwnership(stack.alice, challenge.body.typedData, stack.alice.address);
      const first = await postJson<Body>(`${stack.url}/v1/ownership/proofs`, {
        challengeId: challenge.body.challengeId,
        signature,
      });
      expect(first.body.owner).to.equal(true);
      const replay = await postJson<Body>(`${stack.url}/v1/ownership/proofs`, {
        challengeId: challenge.body.challengeId,
        signature,
      });
      expect(replay.status).to.equal(409);
      expect(replay.headers.get("content-type")).to.match(/^application\/problem\+json/);
    });

    it("answers owner: false to a signature by someone else", async function () {
      const challenge = await postJson<Body>(`${stack.url}/v1/ownership/challenges`, {
        tokenId: sold.toString(),
      });
      const signature = await signOwnership(stack.mallory, challenge.body.typedData, stack.mallory.address);
      const proof = await postJson<Body>(`${stack.url}/v1/ownership/proofs`, {
        challengeId: challenge.body.challengeId,
        signature,
      });
      expect(proof.status).to.equal(200);
      expect(proof.body).to.include({ owner: false, address: stack.alice.address });
    });

    it("refuses a proof sent with another token's challenge (422)", async function () {
      const challenge = await postJson<Body>(`${stack.url}/v1/ownership/challenges`, {
        tokenId: walletOwned.toString(),
      });
      const signature = await signOwnership(stack.alice, challenge.body.typedData, stack.alice.address);
      const proof = await postJson<Body>(`${stack.url}/v1/ownership/proofs`, {
        challengeId: challenge.body.challengeId,
        signature,
        tokenId: sold.toString(),
      });
      expect(proof.status).to.equal(422);
      expect(proof.body.type).to.equal("https://hallmark.dev/problems/foreign-challenge");
    });

    it("accepts an EIP-1271 smart wallet's proof (signed by the wallet's owner key)", async function () {
      const challenge = await postJson<Body>(`${stack.url}/v1/ownership/challenges`, {
        tokenId: walletOwned.toString(),
      });
      const walletAddress = challenge.body.typedData.message.owner as string;
      const signature = await signOwnership(stack.carol, challenge.body.typedData, walletAddress);
      const proof = await postJson<Body>(`${stack.url}/v1/ownership/proofs`, {
        challengeId: challenge.body.challengeId,
        signature,
      });
      expect(proof.body).to.include({ owner: true, address: walletAddress });
    });
  });

  describe("scene: the buyer claims with the one-time code", function () {
    it("shows the new owner once the indexer has seen claimWithCode, and the claim in the history", async function () {
      const [, nonce] = await stack.certificate.claimStateOf(vaulted);
      const deadline = BigInt(await networkHelpers.time.latest()) + 3600n;
      const domain = certificateDomain(
        stack.deployments.chainId,
        stack.deployments.contracts.HallmarkCertificate,
      );
      const signature = await signTypedMessage(claimKey, "Claim", domain, {
        tokenId: vaulted,
        recipient: stack.bob.address,
        nonce,
        deadline,
      });
      await (
        await stack.certificate
          .connect(stack.bob)
          .claimWithCode(vaulted, stack.bob.address, deadline, signature)
      ).wait();
      await stack.sync();
      const { body } = await getJson<Body>(`${stack.url}/v1/certificates/${vaulted.toString()}`);
      expect(body.owner).to.equal(stack.bob.address);
      expect(body.custody).to.equal("owner");
      const history = await getJson<Body>(`${stack.url}/v1/certificates/${vaulted.toString()}/provenance`);
      const kinds = (history.body.items as Body[]).map((event) => event.kind);
      expect(kinds[0]).to.equal("issued");
      expect(kinds).to.include("claimed_with_code");
    });
  });

  describe("scene: a resale partner checks a piece, then records an authenticated resale", function () {
    it("authenticates the NFC chip with a fresh EIP-191 challenge", async function () {
      const challenge = await postJson<Body>(`${stack.url}/v1/chip/challenges`, {
        tokenId: vaulted.toString(),
      });
      expect(challenge.status).to.equal(201);
      expect(challenge.body.scheme).to.equal("eip191-personal-sign");
      const signature = await chipKey.signMessage(challenge.body.message as string);
      const proof = await postJson<Body>(`${stack.url}/v1/chip/proofs`, {
        challengeId: challenge.body.challengeId,
        signature,
      });
      expect(proof.status).to.equal(200);
      expect(proof.body).to.include({ authentic: true, chip: chipKey.address, signer: chipKey.address });
    });

    it("says not authentic when another key answers the chip challenge", async function () {
      const challenge = await postJson<Body>(`${stack.url}/v1/chip/challenges`, {
        tokenId: vaulted.toString(),
      });
      const signature = await ethersLib.Wallet.createRandom().signMessage(challenge.body.message as string);
      const proof = await postJson<Body>(`${stack.url}/v1/chip/proofs`, {
        challengeId: challenge.body.challengeId,
        signature,
      });
      expect(proof.body.authentic).to.equal(false);
    });

    it("refuses a chip challenge for a piece without a chip (422)", async function () {
      const challenge = await postJson<Body>(`${stack.url}/v1/chip/challenges`, { tokenId: sold.toString() });
      expect(challenge.status).to.equal(422);
      expect(challenge.body.type).to.equal("https://hallmark.dev/problems/no-chip");
    });

    it("shows the authenticated resale with the partner's role, its report and the new owner", async function () {
      const report = await stack.resaleReport("very-good");
      await (await stack.certificate.connect(stack.bob).approve(stack.partnerA.address, vaulted)).wait();
      await (
        await stack.certificate
          .connect(stack.partnerA)
          .authenticatedResale(vaulted, stack.carol.address, report, 8)
      ).wait();
      await stack.sync();
      const { body } = await getJson<Body>(`${stack.url}/v1/certificates/${vaulted.toString()}`);
      expect(body.owner).to.equal(stack.carol.address);
      const history = await getJson<Body>(`${stack.url}/v1/certificates/${vaulted.toString()}/provenance`);
      const resale = (history.body.items as Body[]).find((event) => event.kind === "authenticated_resale");
      expect(resale).to.not.equal(undefined);
      expect(resale?.actor).to.equal(stack.partnerA.address);
      expect(resale?.actorRoles).to.include("RESALE_PARTNER");
      expect(resale?.details.digest).to.equal(report);
      expect(resale?.conditionGrade).to.equal(8);
      expect(resale?.txHash).to.match(/^0x[0-9a-f]{64}$/);
      expect(resale?.time).to.match(/^\d{4}-\d{2}-\d{2}T/);
      const report$ = await fetch(`${stack.url}/ipfs/${resale?.details.cid as string}`);
      expect(report$.status).to.equal(200);
    });

    it("paginates the history with cursors", async function () {
      const first = await getJson<Body>(
        `${stack.url}/v1/certificates/${vaulted.toString()}/provenance?limit=1`,
      );
      expect(first.body.items).to.have.length(1);
      expect(first.body.nextCursor).to.be.a("string");
      const second = await getJson<Body>(
        `${stack.url}/v1/certificates/${vaulted.toString()}/provenance?limit=1&cursor=${first.body.nextCursor as string}`,
      );
      expect(second.body.items[0].block).to.be.at.least(first.body.items[0].block as number);
      expect(second.body.items[0]).to.not.deep.equal(first.body.items[0]);
    });
  });

  describe("lists, brands and garments", function () {
    it("lists a brand's certificates page by page", async function () {
      const first = await getJson<Body>(`${stack.url}/v1/certificates?brand=1&limit=2`);
      expect(first.body.items).to.have.length(2);
      const second = await getJson<Body>(
        `${stack.url}/v1/certificates?brand=1&limit=2&cursor=${first.body.nextCursor as string}`,
      );
      const ids = [...(first.body.items as Body[]), ...(second.body.items as Body[])].map((c) => c.tokenId);
      expect(new Set(ids).size).to.equal(ids.length);
      expect(ids).to.include.members([vaulted.toString(), sold.toString(), walletOwned.toString()]);
    });

    it("lists what an owner holds", async function () {
      const { body } = await getJson<Body>(
        `${stack.url}/v1/owners/${stack.alice.address.toLowerCase()}/items`,
      );
      expect((body.items as Body[]).map((item) => item.certificate?.tokenId)).to.include(sold.toString());
    });

    it("shows a brand with its roles and the brand list", async function () {
      const brand = await getJson<Body>(`${stack.url}/v1/brands/1`);
      expect(brand.body.name).to.equal("Maison A");
      expect(
        (brand.body.roles as Body[]).some((r) => r.role === "ISSUER" && r.account === stack.issuerA.address),
      ).to.equal(true);
      const brands = await getJson<Body>(`${stack.url}/v1/brands`);
      expect((brands.body.items as Body[]).map((b) => b.id)).to.include.members([1, 2]);
    });

    it("shows a garment design with its edition, royalty, twin link and verified metadata", async function () {
      const digest = await stack.garmentDocument();
      const root = ethersLib.id("twin-root");
      await (
        await stack.garments.connect(stack.issuerA).createDesign(1, {
          maxSupply: 500,
          closesAt: 0,
          metadataDigest: digest,
          royaltyReceiver: ethersLib.ZeroAddress,
          royaltyBps: 0,
          locked: false,
          redeemable: false,
          twinCollectionRoot: root,
        })
      ).wait();
      await (await stack.garments.connect(stack.issuerA).mintEditions(1, [stack.alice.address], [3])).wait();
      await stack.sync();
      const { status, body } = await getJson<Body>(`${stack.url}/v1/garments/1`);
      expect(status).to.equal(200);
      expect(body.edition).to.include({ cap: 500, minted: 3 });
      expect(body.royalty.source).to.equal("brand");
      expect(body.twin).to.deep.equal({ collectionRoot: root, claims: 0 });
      expect(body.metadata.verified).to.equal(true);
    });

    it("links a claimed digital twin both ways: the design counts it, the certificate names the design", async function () {
      const collection = buildTwinCollection([sold, walletOwned]);
      await (
        await stack.garments.connect(stack.issuerA).createDesign(1, {
          maxSupply: 100,
          closesAt: 0,
          metadataDigest: await stack.garmentDocument(),
          royaltyReceiver: ethersLib.ZeroAddress,
          royaltyBps: 0,
          locked: false,
          redeemable: false,
          twinCollectionRoot: collection.root,
        })
      ).wait();
      const designId = 2n;
      await (
        await stack.garments
          .connect(stack.alice)
          .claimTwin(designId, sold, collection.positionOf(sold), collection.proofOf(sold))
      ).wait();
      await stack.sync();
      const design = await getJson<Body>(`${stack.url}/v1/garments/${designId.toString()}`);
      expect(design.body.twin).to.deep.equal({ collectionRoot: collection.root, claims: 1 });
      const certificate = await getJson<Body>(`${stack.url}/v1/certificates/${sold.toString()}`);
      expect(certificate.body.twins).to.have.length(1);
      expect(certificate.body.twins[0]).to.include({
        designId: designId.toString(),
        claimant: stack.alice.address,
      });
      expect(certificate.body.twins[0].claimed.block).to.be.a("number");
      const unclaimed = await getJson<Body>(`${stack.url}/v1/certificates/${walletOwned.toString()}`);
      expect(unclaimed.body.twins).to.deep.equal([]);
    });
  });

  describe("flags a buyer must see", function () {
    it("streams the status change to a partner following /v1/events, and flags the piece stolen", async function () {
      const controller = new AbortController();
      const response = await fetch(`${stack.url}/v1/events?type=certificate.status`, {
        signal: controller.signal,
      });
      expect(response.headers.get("content-type")).to.match(/^text\/event-stream/);
      const reader = response.body!.getReader();
      let received = "";
      const decoder = new TextDecoder();
      const sawStatus = (async () => {
        while (!received.includes("event: certificate.status")) {
          const { value, done } = await reader.read();
          if (done) break;
          received += decoder.decode(value);
        }
      })();
      await (await stack.certificate.connect(stack.alice).reportStolen(sold, "taken from a car")).wait();
      await stack.sync();
      await sawStatus;
      controller.abort();
      expect(received).to.include("event: index");
      expect(received).to.include(sold.toString());
      const { body } = await getJson<Body>(`${stack.url}/v1/certificates/${sold.toString()}`);
      expect(body.flags).to.include("stolen");
      expect(body.verdict).to.equal("do_not_buy");
    });

    it("flags a revoked certificate", async function () {
      const id = await stack.issue("MA-0004", stack.alice.address);
      await (await stack.certificate.connect(stack.adminA).revoke(id, "counterfeit tag")).wait();
      await stack.sync();
      const { body } = await getJson<Body>(`${stack.url}/v1/certificates/${id.toString()}`);
      expect(body.flags).to.deep.equal(["revoked"]);
      expect(body.statusReason).to.equal("counterfeit tag");
    });

    it("flags a superseded certificate and links both ways", async function () {
      const id = await stack.issue("MA-0005", stack.alice.address);
      const replacement = {
        serialHash: ethersLib.id("MA-0005-bis"),
        metadataDigest: await stack.certificateDocument("MA-0005-bis"),
        chip: ethersLib.ZeroAddress,
        claimKey: ethersLib.ZeroAddress,
      };
      // The owner hands the piece in for a new tag: it approves the issuer to retire the old certificate.
      await (await stack.certificate.connect(stack.alice).approve(stack.issuerA.address, id)).wait();
      await (
        await stack.certificate.connect(stack.issuerA).issueSuccessor(id, replacement, "tag replaced")
      ).wait();
      await stack.sync();
      const { body } = await getJson<Body>(`${stack.url}/v1/certificates/${id.toString()}`);
      expect(body.flags).to.include.members(["revoked", "superseded"]);
      const successor = await getJson<Body>(`${stack.url}/v1/certificates/${body.successor as string}`);
      expect(successor.body.predecessor).to.equal(id.toString());
      expect(successor.body.flags).to.deep.equal([]);
    });

    it("flags metadata whose document IPFS does not have, and still serves the rest", async function () {
      this.timeout(20_000);
      const id = await stack.issue("MA-0006", stack.alice.address, {
        digest: ethersLib.sha256(ethersLib.toUtf8Bytes("never published")),
      });
      await stack.sync();
      const { status, body } = await getJson<Body>(`${stack.url}/v1/certificates/${id.toString()}`);
      expect(status).to.equal(200);
      expect(body.metadata.verified).to.equal(false);
      expect(body.metadata.reason).to.be.oneOf(["not_found", "ipfs_unavailable"]);
      expect(body.metadata.document).to.equal(null);
      expect(body.flags).to.deep.equal(["metadata_unverified"]);
      expect(body.verdict).to.equal("caution");
    });

    it("flags certificates issued by a key declared compromised from that block on, not earlier ones", async function () {
      const fromBlock = (await ethers.provider.getBlockNumber()) + 1;
      const suspect = await stack.issue("MA-0007", stack.alice.address);
      await (
        await stack.registry
          .connect(stack.adminA)
          .declareIssuerCompromised(1, stack.issuerA.address, fromBlock)
      ).wait();
      await stack.sync();
      const flagged = await getJson<Body>(`${stack.url}/v1/certificates/${suspect.toString()}`);
      expect(flagged.body.flags).to.include("suspect_issuer");
      expect(flagged.body.verdict).to.equal("do_not_buy");
      const earlier = await getJson<Body>(`${stack.url}/v1/certificates/${walletOwned.toString()}`);
      expect(earlier.body.flags).to.not.include("suspect_issuer");
      const brand = await getJson<Body>(`${stack.url}/v1/brands/1`);
      expect(brand.body.compromises[0]).to.include({ issuer: stack.issuerA.address, fromBlock });
      const history = await getJson<Body>(`${stack.url}/v1/certificates/${suspect.toString()}/provenance`);
      expect(history.body.items[0].suspect).to.equal(true);
    });
  });

  describe("operations", function () {
    it("is healthy and ready once the index has caught up", async function () {
      expect((await getJson(`${stack.url}/healthz`)).status).to.equal(200);
      const ready = await getJson<Body>(`${stack.url}/readyz`);
      expect(ready.status).to.equal(200);
      expect(ready.body.index.caughtUp).to.equal(true);
    });

    it("sets security headers and never answers with a stack trace", async function () {
      const response = await fetch(`${stack.url}/v1/certificates/${sold.toString()}`);
      expect(response.headers.get("x-content-type-options")).to.equal("nosniff");
      expect(response.headers.get("content-security-policy")).to.include("frame-ancestors 'none'");
      expect(response.headers.get("referrer-policy")).to.equal("no-referrer");
      const problem = await getJson<Body>(`${stack.url}/v1/certificates/abc`);
      expect(JSON.stringify(problem.body)).to.not.match(/at .*\.ts:\d+|node_modules/);
    });

    it("answers proofs with 503 and Retry-After when the RPC is down, while GETs serve the index marked stale", async function () {
      const down = { request: () => Promise.reject(new Error("ECONNREFUSED")) };
      const chain = new CertificateChain(down, stack.deployments.contracts.HallmarkCertificate, {
        timeoutMs: 500,
      });
      const store = stack.verifier.store;
      const freshness = () => freshnessOf({ index: store, chainFailingSince: () => chain.failingSince() });
      const events = new EventStreams(store);
      const app = createApp({
        ipfs: stack.metadataStore,
        v1: {
          verifier: {
            index: store,
            documents: { reader: stack.metadataStore },
            chain,
            identity: {
              chainId: stack.deployments.chainId,
              certificateAddress: stack.deployments.contracts.HallmarkCertificate,
            },
          },
          ownershipChallenges: new MemoryChallengeStore<OwnershipChallengePayload, OwnershipProofResult>(),
          chipChallenges: new MemoryChallengeStore<ChipChallengePayload>(),
          brandSalts: new Map(),
          gs1Prefixes: new Map(),
          freshness,
          events,
        },
      });
      const server = await listen(app);
      try {
        const challenge = await postJson<Body>(`${server.url}/v1/ownership/challenges`, {
          tokenId: walletOwned.toString(),
        });
        expect(challenge.status).to.equal(201);
        const signature = await signOwnership(
          stack.carol,
          challenge.body.typedData,
          challenge.body.typedData.message.owner as string,
        );
        const proof = await postJson<Body>(`${server.url}/v1/ownership/proofs`, {
          challengeId: challenge.body.challengeId,
          signature,
        });
        expect(proof.status).to.equal(503);
        expect(Number(proof.headers.get("retry-after"))).to.be.greaterThan(0);
        // The challenge was not spent by the outage: the same proof may be retried.
        const again = await postJson<Body>(`${server.url}/v1/ownership/proofs`, {
          challengeId: challenge.body.challengeId,
          signature,
        });
        expect(again.status).to.equal(503);
        const served = await getJson<Body>(`${server.url}/v1/certificates/${walletOwned.toString()}`);
        expect(served.status).to.equal(200);
        expect(served.body.index.stale).to.equal(true);
        expect(served.body.owner).to.be.a("string");
      } finally {
        events.close();
        await server.close();
      }
    });
  });
});
