import { expect } from "chai";
import type { TypedDataDomain, TypedDataField } from "ethers";
import { buildStack, getJson } from "./stack.js";
import type { Stack } from "./stack.js";

interface ChallengeBody {
  challengeId: string;
  typedData: {
    domain: TypedDataDomain;
    types: Record<string, TypedDataField[]>;
    message: Record<string, unknown>;
  };
}

describe("POST /v1/ownership/challenges from many clients", function () {
  let stack: Stack;
  let tokenId: bigint;

  before(async function () {
    // Behind a proxy, the client is the X-Forwarded-For address: the test plays several clients.
    stack = await buildStack({ env: { HALLMARK_TRUST_PROXY: "true" } });
    tokenId = await stack.issue("CL-0001", stack.alice.address);
    await stack.sync();
  });

  after(async function () {
    await stack?.close();
  });

  function ask(client: string) {
    return getJson<ChallengeBody>(`${stack.url}/v1/ownership/challenges`, {
      method: "POST",
      body: JSON.stringify({ tokenId: tokenId.toString() }),
      headers: { "content-type": "application/json", "x-forwarded-for": client },
    });
  }

  it("lets the seller prove ownership with its challenge while another client asks for hundreds", async function () {
    const seller = await ask("198.51.100.7");
    expect(seller.status).to.equal(201);
    // Far past one client's share (32): were both counted as one client, the seller's would be gone.
    for (let i = 0; i < 200; i++) expect((await ask("203.0.113.9")).status).to.equal(201);

    const { typedData } = seller.body;
    const { EIP712Domain: _domain, ...types } = typedData.types;
    const signature = await stack.alice.signTypedData(typedData.domain, types, {
      ...typedData.message,
      owner: stack.alice.address,
    });
    const proof = await getJson<{ owner: boolean }>(`${stack.url}/v1/ownership/proofs`, {
      method: "POST",
      body: JSON.stringify({ challengeId: seller.body.challengeId, signature }),
      headers: { "content-type": "application/json", "x-forwarded-for": "198.51.100.7" },
    });
    expect(proof.status).to.equal(200);
    expect(proof.body.owner).to.equal(true);
  });

  it("keeps only a bounded number of one client's challenges: its oldest are replaced", async function () {
    const first = await ask("192.0.2.1");
    for (let i = 0; i < 40; i++) await ask("192.0.2.1");
    const proof = await getJson(`${stack.url}/v1/ownership/proofs`, {
      method: "POST",
      body: JSON.stringify({ challengeId: first.body.challengeId, signature: `0x${"11".repeat(65)}` }),
      headers: { "content-type": "application/json", "x-forwarded-for": "192.0.2.1" },
    });
    expect(proof.status).to.equal(404);
  });
});
