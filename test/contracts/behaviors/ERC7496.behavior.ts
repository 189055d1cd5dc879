import { expect } from "chai";
import type { BaseContract, BigNumberish, BytesLike } from "ethers";
import { ethers as ethersLib } from "ethers";
import { z } from "zod";

/** The ERC-7496 surface the shared spec drives. */
export interface ERC7496Contract extends BaseContract {
  getTraitMetadataURI(): Promise<string>;
  getTraitValue(tokenId: BigNumberish, traitKey: BytesLike): Promise<string>;
}

export interface ERC7496Fixture {
  token: ERC7496Contract;
  /** A token that exists, to read every described trait of. */
  tokenId: bigint;
  /** The trait keys the contract knows (getTraitValue answers them). */
  traitKeys: readonly string[];
}

const WORD = /^0x[0-9a-fA-F]{64}$/;
const word = z.string().regex(WORD, "a bytes32 word");

/**
 * assets/erc-7496/DynamicTraitsSchema.json as a zod schema: a trait has a dataType of one of the four types, each
 * with its own options and valueMappings (bytes32 word -> a value of that type, or null). Strict objects, so a
 * misplaced option (valueMappings beside dataType instead of in it) is an error rather than ignored.
 */
const mappings = <T extends z.ZodType>(value: T) => z.record(word, value.nullable());
const DataType = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("string"),
    minLength: z.number().optional(),
    maxLength: z.number().optional(),
    valueMappings: mappings(z.string()).optional(),
  }),
  z.strictObject({
    type: z.literal("decimal"),
    signed: z.boolean().optional(),
    decimals: z.number().int().nonnegative().optional(),
    minValue: z.number().optional(),
    maxValue: z.number().optional(),
    valueMappings: mappings(z.number()).optional(),
  }),
  z.strictObject({ type: z.literal("boolean"), valueMappings: mappings(z.boolean()).optional() }),
  z.strictObject({ type: z.literal("epochSeconds"), valueMappings: mappings(z.number().int()).optional() }),
]);
const TraitMetadata = z.strictObject({
  traits: z.record(
    z.string(),
    z.strictObject({
      displayName: z.string().min(1).optional(),
      validateOnSale: z
        .enum([
          "none",
          "requireEq",
          "requireNeq",
          "requireUintLt",
          "requireUintLte",
          "requireUintGt",
          "requireUintGte",
        ])
        .optional(),
      tokenOwnerCanUpdateValue: z.boolean().optional(),
      dataType: DataType,
    }),
  ),
});
export type TraitMetadata = z.output<typeof TraitMetadata>;

const DATA_URI_PREFIX = "data:application/json;base64,";

/** The trait metadata document of a data: URI (base64 JSON), parsed and checked against the ERC-7496 schema. */
export function decodeTraitMetadataURI(uri: string): TraitMetadata {
  expect(uri.startsWith(DATA_URI_PREFIX), `${uri.slice(0, 40)}… is a base64 JSON data: URI`).to.equal(true);
  const payload = uri.slice(DATA_URI_PREFIX.length);
  expect(payload).to.match(/^[A-Za-z0-9+/]*={0,2}$/, "only base64 characters");
  const bytes = Buffer.from(payload, "base64");
  expect(bytes.toString("base64"), "canonical base64").to.equal(payload);
  return TraitMetadata.parse(JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)));
}

/** ERC-7496: a name that is a 0x-prefixed 32-byte word is the key itself, any other name hashes to it. */
export function traitKeyOf(name: string): string {
  return WORD.test(name) ? name.toLowerCase() : ethersLib.id(name);
}

/** What every ERC-7496 contract of ours must do with its trait metadata. */
export function shouldDescribeTraitsPerERC7496(load: () => Promise<ERC7496Fixture>): void {
  describe("ERC-7496 trait metadata", function () {
    it("is a base64 JSON data: URI valid against the ERC-7496 trait metadata schema", async function () {
      const { token } = await load();
      const metadata = decodeTraitMetadataURI(await token.getTraitMetadataURI());
      expect(Object.keys(metadata.traits)).to.not.be.empty;
    });

    it("describes exactly the traits getTraitValue knows, under the keys it reads", async function () {
      const { token, tokenId, traitKeys } = await load();
      const metadata = decodeTraitMetadataURI(await token.getTraitMetadataURI());
      const described = Object.keys(metadata.traits).map(traitKeyOf);
      expect(described).to.have.members(traitKeys.map((key) => key.toLowerCase()));
      for (const key of described) await token.getTraitValue(tokenId, key); // reverts for an unknown key
    });

    it("gives every trait a unique display name", async function () {
      const { token } = await load();
      const metadata = decodeTraitMetadataURI(await token.getTraitMetadataURI());
      const names = Object.values(metadata.traits).map((trait) => trait.displayName);
      expect(names.every((name) => name !== undefined)).to.equal(true);
      expect(new Set(names).size).to.equal(names.length);
    });
  });
}
