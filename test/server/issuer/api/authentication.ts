import { expect } from "chai";
import type { IssuerScope } from "../../../../server/issuer/auth/scopes.js";
import { ethers } from "../../../contracts/fixtures.js";
import { buildIssuerStack, manifestRows, PICTURE, SALE_DETAILS } from "./issuer-stack.js";
import type { IssuerStack } from "./issuer-stack.js";

interface Problem {
  type: string;
  status: number;
  detail?: string;
}

const PROBLEMS = "https://hallmark.dev/problems/";

interface ActionRequest {
  name: string;
  scope: IssuerScope;
  method: "POST";
  route: string;
  body: unknown;
  headers?: Record<string, string>;
}

describe("issuer API: authentication and authorization", function () {
  let stack: IssuerStack;
  let tokenId: bigint;

  before(async function () {
    stack = await buildIssuerStack();
    // A certificate of brand 1 in the vault, for the routes that name a token.
    const serialHash = ethers.solidityPackedKeccak256(["bytes32", "string"], [ethers.id("x"), "AUTH-0001"]);
    await (
      await stack.certificate.connect(stack.issuerA).issue(1n, stack.vaultA.address, {
        serialHash,
        metadataDigest: ethers.id("doc"),
        chip: ethers.ZeroAddress,
        claimKey: ethers.ZeroAddress,
      })
    ).wait();
    tokenId = (1n << 224n) | (BigInt(serialHash) & ((1n << 224n) - 1n));
  });

  after(async function () {
    await stack?.close();
  });

  /** Every brand-1 action, as the request a client would send. */
  const actions = (): ActionRequest[] => [
    {
      name: "mint job",
      scope: "mint",
      method: "POST",
      route: "/v1/issuer/brands/1/mint-jobs",
      body: { rows: manifestRows(1, "AUTH"), media: [PICTURE] },
      headers: { "idempotency-key": "auth-test-0001" },
    },
    {
      name: "claim codes",
      scope: "claim-codes",
      method: "POST",
      route: "/v1/issuer/brands/1/claim-codes",
      body: { tokenIds: [String(tokenId)] },
    },
    {
      name: "event",
      scope: "events",
      method: "POST",
      route: "/v1/issuer/brands/1/events",
      body: { tokenId: String(tokenId), kind: "sale", details: SALE_DETAILS },
    },
    {
      name: "status",
      scope: "status",
      method: "POST",
      route: `/v1/issuer/brands/1/certificates/${tokenId}/status`,
      body: { action: "stolen", reason: "test" },
    },
  ];

  /** When each key was last used, by id: a refused call must not touch it. */
  const lastUses = async (): Promise<Record<string, string | null>> =>
    Object.fromEntries((await stack.issuer.keys.list()).map((key) => [key.id, key.lastUsedAt]));

  /**
   * Sends the request and checks that it wrote nothing but one audit row: no transaction, no job,
   * no status or claim key, and no key marked used (unless the key was authorized and the call failed
   * for another reason: `keyAuthorized`).
   */
  async function refused(
    request: ActionRequest,
    auth: { key?: string; authorization?: string },
    options: { keyAuthorized?: boolean } = {},
  ): Promise<{
    status: number;
    body: Problem;
    headers: Headers;
    audit: { keyId: string | null; outcome: string; status: number };
  }> {
    const block = await ethers.provider.getBlockNumber();
    const jobs = await stack.issuer.service.mintJobs.count();
    const auditBefore = await stack.issuer.audit.count();
    const usesBefore = await lastUses();
    const answer = await stack.call<Problem>(request.method, request.route, {
      ...auth,
      body: request.body,
      headers: request.headers,
    });
    await stack.issuer.service.queue.idle();
    expect(await ethers.provider.getBlockNumber(), "no transaction").to.equal(block);
    expect(await stack.issuer.service.mintJobs.count(), "no job").to.equal(jobs);
    expect(await stack.certificate.statusOf(tokenId), "status untouched").to.equal(0n);
    expect((await stack.certificate.claimStateOf(tokenId))[0], "no claim key").to.equal(ethers.ZeroAddress);
    expect(await stack.issuer.audit.count(), "one audit row").to.equal(auditBefore + 1);
    if (!options.keyAuthorized) expect(await lastUses(), "no key marked used").to.deep.equal(usesBefore);
    const [row] = (await stack.issuer.audit.list(1, { limit: 1 }))
      .concat(await stack.issuer.audit.list(2, { limit: 1 }))
      .sort((a, b) => b.id - a.id);
    return { ...answer, audit: row };
  }

  describe("when the Authorization header is missing", function () {
    for (const request of actions()) {
      it(`refuses the ${request.name} with 401 and a Bearer challenge, writing nothing`, async function () {
        const { status, body, headers, audit } = await refused(request, {});
        expect(status).to.equal(401);
        expect(body.type).to.equal(`${PROBLEMS}unauthenticated`);
        expect(headers.get("www-authenticate")).to.equal('Bearer realm="hallmark-issuer"');
        expect(audit).to.include({ keyId: null, outcome: "refused", status: 401 });
      });
    }
  });

  describe("when the key is malformed", function () {
    for (const authorization of [
      "Basic dXNlcjpwYXNz",
      "Bearer hmk_short_secret",
      "Bearer not-a-key",
      "hmk_0123456789abcdef_" + "0".repeat(64),
    ]) {
      it(`refuses "${authorization.slice(0, 24)}…" with 401 invalid_request`, async function () {
        const { status, body, headers } = await refused(actions()[0], { authorization });
        expect(status).to.equal(401);
        expect(body.type).to.equal(`${PROBLEMS}unauthenticated`);
        expect(headers.get("www-authenticate")).to.equal(
          'Bearer realm="hallmark-issuer", error="invalid_request"',
        );
      });
    }
  });

  describe("when the key is unknown or its secret is wrong", function () {
    it("refuses an unknown key id with 401 invalid_token", async function () {
      const { status, headers, audit } = await refused(actions()[0], {
        key: `hmk_${"ab".repeat(8)}_${"cd".repeat(32)}`,
      });
      expect(status).to.equal(401);
      expect(headers.get("www-authenticate")).to.equal(
        'Bearer realm="hallmark-issuer", error="invalid_token"',
      );
      expect(audit.keyId).to.equal("ab".repeat(8));
    });

    it("refuses a known key id with a wrong secret with 401", async function () {
      const key = await stack.createKey(1, ["mint", "claim-codes", "events", "status"]);
      const wrong = key.slice(0, -4) + (key.endsWith("0000") ? "1111" : "0000");
      for (const request of actions()) {
        const { status, body } = await refused(request, { key: wrong });
        expect(status, request.name).to.equal(401);
        expect(body.detail).to.equal("Unknown or wrong API key");
      }
    });
  });

  describe("when the key was revoked", function () {
    it("refuses every action with 401 from the moment of revocation", async function () {
      const key = await stack.createKey(1, ["mint", "claim-codes", "events", "status"]);
      const id = key.split("_")[1];
      expect((await stack.call("GET", "/v1/issuer/audit", { key })).status).to.equal(200);
      await stack.issuer.keys.revoke(id);
      for (const request of actions()) {
        const { status, body, audit } = await refused(request, { key });
        expect(status, request.name).to.equal(401);
        expect(body.detail).to.equal("This API key was revoked");
        expect(audit).to.include({ keyId: id, outcome: "refused" });
      }
    });
  });

  describe("when the key is another brand's", function () {
    it("refuses every brand-1 action of a brand-2 key with 403", async function () {
      const key = await stack.createKey(2, ["mint", "claim-codes", "events", "status"]);
      for (const request of actions()) {
        const { status, body, audit } = await refused(request, { key });
        expect(status, request.name).to.equal(403);
        expect(body.type).to.equal(`${PROBLEMS}forbidden`);
        expect(body.detail).to.equal("This API key acts for brand 2, not brand 1");
        expect(audit).to.include({ keyId: key.split("_")[1], outcome: "refused", status: 403 });
      }
      expect((await lastUses())[key.split("_")[1]], "never used").to.equal(null);
    });

    it("refuses a token of another brand named on the key's own brand route with 403", async function () {
      const key = await stack.createKey(1, ["events"]);
      const foreign = (2n << 224n) | 5n;
      const { status, body } = await refused(
        { ...actions()[2], body: { tokenId: foreign.toString(), kind: "sale", details: SALE_DETAILS } },
        { key },
      );
      expect(status).to.equal(403);
      expect(body.detail).to.equal(`Token ${foreign} is not a certificate of brand 1`);
    });
  });

  describe("when the key lacks the action's scope", function () {
    for (const request of actions()) {
      it(`refuses the ${request.name} with 403 naming the "${request.scope}" scope`, async function () {
        const others = (["mint", "claim-codes", "events", "status"] as const).filter(
          (scope) => scope !== request.scope,
        );
        const { status, body } = await refused(request, { key: await stack.createKey(1, [...others]) });
        expect(status).to.equal(403);
        expect(body.detail).to.equal(`This API key lacks the "${request.scope}" scope`);
      });
    }
  });

  describe("when the brand has no issuer key on this server", function () {
    it("answers 503 with Retry-After and a problem naming the setting, writing nothing", async function () {
      const key = await stack.createKey(2, ["mint"]);
      const { status, body, headers } = await refused(
        { ...actions()[0], route: "/v1/issuer/brands/2/mint-jobs" },
        { key },
        { keyAuthorized: true },
      );
      expect(status).to.equal(503);
      expect(body.type).to.equal(`${PROBLEMS}dependency-unavailable`);
      expect(body.detail).to.equal(
        "No issuer key is configured for brand 2 on this server (HALLMARK_ISSUER_KEYSTORES)",
      );
      expect(headers.get("retry-after")).to.equal("300");
    });
  });

  describe("GET /v1/issuer/audit", function () {
    it("lists only the key's brand's entries, with key ids and never a secret", async function () {
      const key = await stack.createKey(1, ["status"]);
      const { status, body } = await stack.call<{
        brand: number;
        items: { brandId: number; keyId: string | null; action: string }[];
      }>("GET", "/v1/issuer/audit?limit=500", { key });
      expect(status).to.equal(200);
      expect(body.brand).to.equal(1);
      expect(body.items.length).to.be.above(5);
      expect(body.items.every((entry) => entry.brandId === 1)).to.equal(true);
      expect(body.items.map((entry) => entry.action)).to.include.members([
        "mint-job.create",
        "claim-codes.create",
        "event.record",
        "status.change",
      ]);
      expect(JSON.stringify(body)).to.not.include(key.split("_")[2]);
      expect((await lastUses())[key.split("_")[1]], "an authorized call marks the key used").to.be.a(
        "string",
      );
    });

    it("refuses a call without a key with 401", async function () {
      expect((await stack.call("GET", "/v1/issuer/audit")).status).to.equal(401);
    });
  });

  describe("logs", function () {
    it("name keys by id and never carry a key's secret", async function () {
      const logs = stack.logLines.join("");
      const ids = (await stack.issuer.keys.list()).map((key) => key.id);
      expect(ids.some((id) => logs.includes(`"keyId":"${id}"`))).to.equal(true);
      expect(logs).to.not.match(/hmk_[0-9a-f]{16}_[0-9a-f]{64}/);
      expect(stack.createdKeys.length).to.be.above(5);
      for (const key of stack.createdKeys) expect(logs).to.not.include(key.split("_")[2]);
    });
  });
});
