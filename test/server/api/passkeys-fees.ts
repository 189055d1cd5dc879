import { expect } from "chai";
import { buildPasskeyStack } from "./passkey-stack.js";
import type { PasskeyStack } from "./passkey-stack.js";

/**
 * A verifier that asks to be paid back (HALLMARK_RELAY_FEES=reimburse: a third-party bundler, or an operator
 * who wants its relayer refunded): operations carry the network's fees, the paymaster's cost cap applies,
 * and the EntryPoint pays the relayer from the paymaster's deposit (docs/passkeys.md, "What the brand pays").
 */
describe("Passkey operations relayed for a fee (HALLMARK_RELAY_FEES=reimburse, #17)", function () {
  this.timeout(120_000);
  let stack: PasskeyStack;

  before(async function () {
    stack = await buildPasskeyStack({ env: { HALLMARK_RELAY_FEES: "reimburse" } });
  });

  after(async function () {
    await stack?.close();
  });

  it("relays a fee-paying operation: the EntryPoint pays the relayer back from the paymaster's deposit", async function () {
    const seller = await stack.register();
    const buyer = await stack.register();
    const tokenId = await stack.issue("PK-FEES-1", seller.account);
    const provider = stack.entryPoint.runner!.provider!;
    const paymaster = await stack.paymaster.getAddress();
    const deposit = await stack.entryPoint.balanceOf(paymaster);
    const relayerBefore = await provider.getBalance(stack.relayer);
    const prepared = await stack.prepare({
      account: seller.account,
      publicKey: seller.publicKey,
      action: { type: "transfer", certificateId: tokenId.toString(), to: buyer.account },
    });
    expect(prepared.status, JSON.stringify(prepared.body)).to.equal(200);
    expect(BigInt(prepared.body.operation.gasFees) & ((1n << 128n) - 1n)).to.be.greaterThan(0n);
    const relayed = await stack.relay(prepared.body, seller.authenticator.assert(prepared.body.challenge));
    expect(relayed.status, JSON.stringify(relayed.body)).to.equal(200);
    expect(relayed.body.success).to.equal(true);
    expect(await stack.certificate.ownerOf(tokenId)).to.equal(buyer.account);

    const receipt = (await provider.getTransactionReceipt(relayed.body.transactionHash))!;
    const event = receipt.logs
      .map((log) => stack.entryPoint.interface.parseLog(log))
      .find((parsed) => parsed?.name === "UserOperationEvent")!;
    const actualGasCost = event.args.actualGasCost as bigint;
    expect(actualGasCost).to.be.greaterThan(0n);
    expect(await stack.entryPoint.balanceOf(paymaster)).to.equal(deposit - actualGasCost);
    expect(await provider.getBalance(stack.relayer)).to.equal(
      relayerBefore - receipt.gasUsed * receipt.gasPrice + actualGasCost,
    );
  });
});
