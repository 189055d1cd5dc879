import { randomBytes } from "node:crypto";
import { getAddress, hexlify, ZeroAddress } from "ethers";
import type { Signer } from "ethers";
import { z } from "zod";
import { garmentsDomain, signTypedMessage } from "../chain/eip712.js";
import { InvalidDocumentError } from "../errors.js";
import type { MetadataStore } from "../ipfs/metadata-store.js";
import { encodeDocument, publishDocument } from "../metadata/metadata-document.js";
import type { HallmarkContracts } from "./contracts.js";
import { callContract } from "./transactions.js";
import type { CallOutcome } from "./transactions.js";
import { buildTwinCollection } from "./twinCollection.js";

/** Digital garment designs (ERC-1155 editions) and the EIP-712 vouchers buyers redeem. */
const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x address");

/** The design file: edition settings; the metadata document is a separate garment-metadata file. */
export const DesignFile = z.object({
  maxSupply: z.number().int().min(0).max(0xffffffff),
  /** Unix seconds or ISO date; required for open editions (maxSupply 0). */
  closesAt: z.union([z.number().int().nonnegative(), z.iso.datetime({ offset: true })]).optional(),
  royaltyReceiver: Address.optional(),
  royaltyBps: z.number().int().min(0).max(10_000).default(0),
  locked: z.boolean().default(false),
  redeemable: z.boolean().default(false),
  /** Certificate token ids whose owners may claim a twin (decimal strings). */
  twinCertificates: z.array(z.string().regex(/^\d+$/)).optional(),
});

export type DesignFile = z.input<typeof DesignFile>;

export function parseDesignFile(value: unknown): z.output<typeof DesignFile> {
  const result = DesignFile.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(design)",
    message: issue.message,
  }));
  throw new InvalidDocumentError(
    `Invalid design file: ${details.map((d) => `${d.path} (${d.message})`).join(", ")}`,
    { details },
  );
}

export async function createGarmentDesign(options: {
  contracts: HallmarkContracts;
  signer: Signer;
  store?: MetadataStore;
  brandId: number;
  design: unknown;
  metadata: unknown;
  dryRun?: boolean;
  confirmations?: number;
}): Promise<{
  designId?: bigint;
  metadataDigest: string;
  metadataCid: string;
  twinCollectionRoot: string;
  outcome: CallOutcome;
}> {
  const design = parseDesignFile(options.design);
  const encoded =
    options.dryRun || options.store === undefined
      ? encodeDocument("garment-metadata", options.metadata)
      : await publishDocument(options.store, "garment-metadata", options.metadata);
  const closesAt =
    design.closesAt === undefined
      ? 0n
      : typeof design.closesAt === "number"
        ? BigInt(design.closesAt)
        : BigInt(Math.floor(Date.parse(design.closesAt) / 1000));
  const twinCollectionRoot =
    design.twinCertificates && design.twinCertificates.length > 0
      ? buildTwinCollection(design.twinCertificates.map((id) => BigInt(id))).root
      : `0x${"00".repeat(32)}`;
  const garments = options.contracts.garments.connect(options.signer);
  const input = {
    maxSupply: design.maxSupply,
    closesAt,
    metadataDigest: encoded.digest,
    royaltyReceiver: design.royaltyReceiver ? getAddress(design.royaltyReceiver) : ZeroAddress,
    royaltyBps: design.royaltyBps,
    locked: design.locked,
    redeemable: design.redeemable,
    twinCollectionRoot,
  };
  const outcome = await callContract(garments, "createDesign", [options.brandId, input], options);
  let designId: bigint | undefined;
  if (!outcome.dryRun) {
    for (const log of outcome.transaction.receipt.logs) {
      const parsed = garments.interface.parseLog(log);
      if (parsed?.name === "DesignCreated") designId = BigInt(parsed.args.designId as bigint);
    }
  }
  return {
    designId,
    metadataDigest: encoded.digest,
    metadataCid: encoded.cid.toString(),
    twinCollectionRoot,
    outcome,
  };
}

export interface SignedVoucher {
  voucher: {
    designId: string;
    buyer: string;
    amount: number;
    price: string;
    deadline: string;
    nonce: string;
  };
  signer: string;
  signature: string;
  contract: string;
  chainId: string;
}

/** Signs a voucher (EIP-712 Voucher in the garments contract's domain) for `buyer`, or for anyone when buyer is the zero address. */
export async function signGarmentVoucher(options: {
  contracts: HallmarkContracts;
  signer: Signer;
  designId: bigint;
  buyer?: string;
  amount: number;
  /** Total price in wei. */
  price: bigint;
  deadline: bigint;
  nonce?: string;
}): Promise<SignedVoucher> {
  const { chainId } = await options.signer.provider!.getNetwork();
  const contract = await options.contracts.garments.getAddress();
  const voucher = {
    designId: options.designId,
    buyer: options.buyer ? getAddress(options.buyer) : ZeroAddress,
    amount: options.amount,
    price: options.price,
    deadline: options.deadline,
    nonce: options.nonce ?? hexlify(randomBytes(32)),
  };
  const signature = await signTypedMessage(
    options.signer,
    "Voucher",
    garmentsDomain(chainId, contract),
    voucher,
  );
  return {
    voucher: {
      designId: voucher.designId.toString(),
      buyer: voucher.buyer,
      amount: voucher.amount,
      price: voucher.price.toString(),
      deadline: voucher.deadline.toString(),
      nonce: voucher.nonce,
    },
    signer: await options.signer.getAddress(),
    signature,
    contract,
    chainId: chainId.toString(),
  };
}
