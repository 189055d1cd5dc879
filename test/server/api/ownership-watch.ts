/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument --
   JSON answers are read as loose objects here: the assertions are the type checks. */
import { expect } from "chai";
import type { ethers as ethersLib } from "ethers";
import { buildStack, getJson, postJson } from "./stack.js";
import type { Stack } from "./stack.js";

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const TTL_MS = 3_000;

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

describe("scene: the buyer watches, on their own phone, the seller prove ownership on theirs (GET /v1/ownership/challenges/{id})", function () {
  let stack: Stack;
  let sold: bigint; // owned by alice

  before(async function () {
    stack = await buildStack({ challengeTtlMs: TTL_MS });
    sold = await stack.issue("OW-0001", stack.alice.address);
    await stack.sync();
  });

  after(async function () {
    await stack?.close();
  });

  const state = (id: string) => getJson<Body>(`${stack.url}/v1/ownership/challenges/${id}`);

  it("answers pending with the expiry, the token and the typed data to sign, with freshness, and reading consumes nothing", async function () {
    const challenge = await postJson<Body>(`${stack.url}/v1/ownership/challenges`, {
      tokenId: sold.toString(),
    });
    const first = await state(challenge.body.challengeId);
    expect(first.status).to.equal(200);
    expect(first.headers.get("cache-control")).to.equal("no-store");
    expect(first.body).to.include({
      state: "pending",
      challengeId: challenge.body.challengeId,
      tokenId: sold.toString(),
      expiresAt: challenge.body.expiresAt,
    });
    expect(first.body.typedData).to.deep.equal(challenge.body.typedData);
    expect(first.body.index).to.include.keys("block", "caughtUp");
    expect(first.body).to.not.have.any.keys("owner", "address");
    // The seller signs what the watcher's answer carries: a second device needs nothing else.
    const signature = await signOwnership(stack.alice, first.body.typedData, stack.alice.address);
    const proof = await postJson<Body>(`${stack.url}/v1/ownership/proofs`, {
      challengeId: challenge.body.challengeId,
      signature,
    });
    expect(proof.body.owner).to.equal(true);
  });

  it("answers proven, owner true, with the signing owner and the block of the check once a valid proof arrived", async function () {
    const challenge = await postJson<Body>(`${stack.url}/v1/ownership/challenges`, {
      tokenId: sold.toString(),
    });
    const signature = await signOwnership(stack.alice, challenge.body.typedData, stack.alice.address);
    const proof = await postJson<Body>(`${stack.url}/v1/ownership/proofs`, {
      challengeId: challenge.body.challengeId,
      signature,
    });
    const watched = await state(challenge.body.challengeId);
    expect(watched.status).to.equal(200);
    expect(watched.body).to.include({
      state: "proven",
      owner: true,
      address: stack.alice.address,
      block: proof.body.block,
      tokenId: sold.toString(),
    });
    expect(watched.body).to.not.have.property("typedData");
    // Still single-use: the state is read, the proof is not accepted twice.
    const replay = await postJson<Body>(`${stack.url}/v1/ownership/proofs`, {
      challengeId: challenge.body.challengeId,
      signature,
    });
    expect(replay.status).to.equal(409);
    expect((await state(challenge.body.challengeId)).body.state).to.equal("proven");
  });

  it("answers proven, owner false, for a signature by someone who does not own the piece", async function () {
    const challenge = await postJson<Body>(`${stack.url}/v1/ownership/challenges`, {
      tokenId: sold.toString(),
    });
    const signature = await signOwnership(stack.mallory, challenge.body.typedData, stack.mallory.address);
    await postJson<Body>(`${stack.url}/v1/ownership/proofs`, {
      challengeId: challenge.body.challengeId,
      signature,
    });
    const watched = await state(challenge.body.challengeId);
    expect(watched.body).to.include({ state: "proven", owner: false, address: stack.alice.address });
  });

  it("answers expired once the challenge's TTL has passed, proven or not", async function () {
    const open = await postJson<Body>(`${stack.url}/v1/ownership/challenges`, { tokenId: sold.toString() });
    const proven = await postJson<Body>(`${stack.url}/v1/ownership/challenges`, { tokenId: sold.toString() });
    const signature = await signOwnership(stack.alice, proven.body.typedData, stack.alice.address);
    await postJson<Body>(`${stack.url}/v1/ownership/proofs`, {
      challengeId: proven.body.challengeId,
      signature,
    });
    await new Promise((resolve) => setTimeout(resolve, TTL_MS + 200));
    for (const id of [open.body.challengeId, proven.body.challengeId]) {
      const watched = await state(id);
      expect(watched.status).to.equal(200);
      expect(watched.body).to.include({ state: "expired", challengeId: id, tokenId: sold.toString() });
      expect(watched.body).to.not.have.any.keys("owner", "address", "typedData");
    }
    // An expired challenge no longer takes a proof either (410), and still reads as expired.
    const late = await postJson<Body>(`${stack.url}/v1/ownership/proofs`, {
      challengeId: open.body.challengeId,
      signature,
    });
    expect(late.status).to.equal(410);
    expect((await state(open.body.challengeId)).body.state).to.equal("expired");
  });

  it("answers 404 problem+json for a challenge never issued here", async function () {
    const unknown = await state(`0x${"ab".repeat(32)}`);
    expect(unknown.status).to.equal(404);
    expect(unknown.headers.get("content-type")).to.match(/^application\/problem\+json/);
    expect(unknown.body.index).to.include.keys("block", "caughtUp");
  });
});
