import { expect } from "chai";
import { Interface } from "ethers";
import { customErrorsOf, decodeCustomError } from "../../../server/chain/contract-errors.js";

describe("contract errors (server/chain/contract-errors.ts)", () => {
  const a = [
    { type: "error", name: "Shared", inputs: [{ name: "id", type: "uint256" }] },
    { type: "function", name: "f", inputs: [], outputs: [], stateMutability: "view" },
  ];
  const b = [
    { type: "error", name: "Shared", inputs: [{ name: "id", type: "uint256" }] },
    { type: "error", name: "OnlyB", inputs: [] },
  ];

  it("holds every custom error of the ABIs once, and nothing else", () => {
    const errors = customErrorsOf(a, b);
    const names: string[] = [];
    errors.forEachError((error) => names.push(error.name));
    expect(names.sort()).to.deep.equal(["OnlyB", "Shared"]);
    expect(errors.getFunction("f")).to.equal(null);
  });

  it("decodes a revert of any of them by name, and answers null for anything else", () => {
    const errors = customErrorsOf(a, b);
    const data = new Interface(b).encodeErrorResult("Shared", [7]);
    expect(decodeCustomError(errors, data)?.name).to.equal("Shared");
    expect(decodeCustomError(errors, data)?.args[0]).to.equal(7n);
    expect(decodeCustomError(errors, "0xdeadbeef")).to.equal(null);
    expect(decodeCustomError(errors, "not hex")).to.equal(null);
  });
});
