import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { BaseContract, ContractTransactionResponse, Signer, TypedDataDomain } from "ethers";
import { ethers as ethersLib } from "ethers";
import { network } from "hardhat";
import {
  certificateDomain,
  garmentsDomain as garmentsDomainAt,
  VOUCHER_TYPES,
} from "../../server/chain/eip712.js";
import type { CertificateDomain, GarmentsDomain } from "../../server/chain/eip712.js";

/** One connection per test process; state isolation comes from loadFixture. */
export const connection = await network.create();
export const { ethers, networkHelpers } = connection;

export const Status = { Active: 0n, Stolen: 1n, Revoked: 2n } as const;
export const ProvenanceKind = { Sale: 0n, AuthenticatedResale: 1n, Repair: 2n, Inspection: 3n } as const;

export const ROLE = {
  BRAND_ADMIN: ethersLib.id("hallmark.role.BRAND_ADMIN"),
  ISSUER: ethersLib.id("hallmark.role.ISSUER"),
  RESALE_PARTNER: ethersLib.id("hallmark.role.RESALE_PARTNER"),
  REPAIRER: ethersLib.id("hallmark.role.REPAIRER"),
  TAG_ORACLE: ethersLib.id("hallmark.role.TAG_ORACLE"),
} as const;

export const ADMIN_DELAY = 3n * 24n * 3600n;

export interface CertificateInput {
  serialHash: string;
  metadataDigest: string;
  chip: string;
  claimKey: string;
}

/** keccak256(brandSalt ‖ serial): how a brand hides a serial on-chain. */
export function serialHash(serial: string, salt = ethersLib.id("demo-brand-salt")): string {
  return ethersLib.solidityPackedKeccak256(["bytes32", "string"], [salt, serial]);
}

/** sha256 of a metadata document's bytes: the commitment the certificate carries. */
export function metadataDigest(document: string): string {
  return ethersLib.sha256(ethersLib.toUtf8Bytes(document));
}

export function item(serial: string, extra: Partial<CertificateInput> = {}): CertificateInput {
  return {
    serialHash: serialHash(serial),
    metadataDigest: metadataDigest(JSON.stringify({ name: `Piece ${serial}` })),
    chip: ethersLib.ZeroAddress,
    claimKey: ethersLib.ZeroAddress,
    ...extra,
  };
}

export function tokenIdOf(brandId: bigint, hash: string): bigint {
  return (brandId << 224n) | (BigInt(hash) & ((1n << 224n) - 1n));
}

/** Two brands, each with an admin, issuer, partner and repairer, plus customers. */
export async function deployHallmark() {
  const signers = await ethers.getSigners();
  const [
    groupAdmin,
    adminA,
    issuerA,
    partnerA,
    repairerA,
    vaultA,
    adminB,
    issuerB,
    partnerB,
    alice,
    bob,
    carol,
    mallory,
  ] = signers;
  const registry = await ethers.deployContract("BrandRegistry", [ADMIN_DELAY, groupAdmin.address]);
  const certificate = await ethers.deployContract("HallmarkCertificate", [await registry.getAddress()]);

  await registry.registerBrand(
    "Maison A",
    "ipfs://brand-a",
    adminA.address,
    vaultA.address,
    adminA.address,
    500n,
  );
  await registry.registerBrand(
    "Maison B",
    "ipfs://brand-b",
    adminB.address,
    adminB.address,
    adminB.address,
    750n,
  );
  const brandA = 1n;
  const brandB = 2n;
  await registry.connect(adminA).grantBrandRole(brandA, ROLE.ISSUER, issuerA.address);
  await registry.connect(adminA).grantBrandRole(brandA, ROLE.RESALE_PARTNER, partnerA.address);
  await registry.connect(adminA).grantBrandRole(brandA, ROLE.REPAIRER, repairerA.address);
  await registry.connect(adminB).grantBrandRole(brandB, ROLE.ISSUER, issuerB.address);
  await registry.connect(adminB).grantBrandRole(brandB, ROLE.RESALE_PARTNER, partnerB.address);

  return {
    registry,
    certificate,
    brandA,
    brandB,
    groupAdmin,
    adminA,
    issuerA,
    partnerA,
    repairerA,
    vaultA,
    adminB,
    issuerB,
    partnerB,
    alice,
    bob,
    carol,
    mallory,
  };
}

/** deployHallmark plus one certificate of brand A owned by alice. */
export async function deployWithCertificate() {
  const fx = await deployHallmark();
  const input = item("A-0001");
  await fx.certificate.connect(fx.issuerA).issue(fx.brandA, fx.alice.address, input);
  const tokenId = tokenIdOf(fx.brandA, input.serialHash);
  return { ...fx, input, tokenId };
}

export async function eip712Domain(contract: BaseContract): Promise<CertificateDomain<bigint>> {
  const { chainId } = await ethers.provider.getNetwork();
  return certificateDomain(chainId, await contract.getAddress());
}

// The signed types are the server's one definition (server/chain/eip712.ts), which these tests sign with.
export {
  CHIP_CLAIM_TYPES,
  CLAIM_TYPES,
  OWNERSHIP_PROOF_TYPES,
  PERMIT_TYPES,
  TAG_CLAIM_TYPES,
  VOUCHER_TYPES,
} from "../../server/chain/eip712.js";

export async function signTyped(
  signer: Signer,
  domain: TypedDataDomain,
  types: Record<string, { name: string; type: string }[]>,
  value: Record<string, unknown>,
): Promise<string> {
  return signer.signTypedData(domain, types, value);
}

/** Re-encodes a low-s signature in its malleable high-s twin (s' = n - s, v flipped). */
export function toHighS(signature: string): string {
  const sig = ethersLib.Signature.from(signature);
  const n = BigInt("0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141");
  const s = n - BigInt(sig.s);
  const v = sig.v === 27 ? 28 : 27;
  return ethersLib.concat([sig.r, ethersLib.toBeHex(s, 32), ethersLib.toBeHex(v, 1)]);
}

export async function gasUsed(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("transaction was not mined");
  return receipt.gasUsed;
}

export type Signers = HardhatEthersSigner;

// ------------------------------------------------------------------------------------------------ garments

/** IHallmarkGarments.DesignInput. */
export interface DesignInput {
  maxSupply: bigint;
  closesAt: bigint;
  metadataDigest: string;
  royaltyReceiver: string;
  royaltyBps: bigint;
  locked: boolean;
  redeemable: boolean;
  twinCollectionRoot: string;
}

/** A design capped at 100, transferable, not redeemable, with the brand's default royalty, unless overridden. */
export function designInput(extra: Partial<DesignInput> = {}): DesignInput {
  return {
    maxSupply: 100n,
    closesAt: 0n,
    metadataDigest: metadataDigest(JSON.stringify({ name: "Selleria Tote — Digital Edition" })),
    royaltyReceiver: ethersLib.ZeroAddress,
    royaltyBps: 0n,
    locked: false,
    redeemable: false,
    twinCollectionRoot: ethersLib.ZeroHash,
    ...extra,
  };
}

/** IHallmarkGarments.Voucher. */
export interface Voucher {
  designId: bigint;
  buyer: string;
  amount: bigint;
  price: bigint;
  deadline: bigint;
  nonce: string;
}

export async function garmentsDomain(
  contract: BaseContract,
  chainId?: bigint,
): Promise<GarmentsDomain<bigint>> {
  return garmentsDomainAt(
    chainId ?? (await ethers.provider.getNetwork()).chainId,
    await contract.getAddress(),
  );
}

/**
 * deployHallmark plus the garments contract on the same registry and certificate contract, linked as the
 * certificates' twin contract (by the deployer, as the Ignition module does).
 */
export async function deployGarments() {
  const fx = await deployHallmark();
  const garments = await ethers.deployContract("HallmarkGarments", [
    await fx.registry.getAddress(),
    await fx.certificate.getAddress(),
  ]);
  await fx.certificate.setTwinContract(await garments.getAddress());
  return { ...fx, garments };
}

/** A twin collection's leaf: keccak256(bytes.concat(keccak256(abi.encode(position, certificateId)))). */
export function twinLeaf(position: bigint, certificateId: bigint): string {
  return ethersLib.keccak256(
    ethersLib.keccak256(
      ethersLib.AbiCoder.defaultAbiCoder().encode(["uint256", "uint256"], [position, certificateId]),
    ),
  );
}

/**
 * A twin collection's Merkle tree built here, independently of the issuer's code: each certificate at its
 * index in the list (its position), sorted-pair hashing as OpenZeppelin's MerkleProof expects, an odd node
 * carried up unchanged.
 */
export function twinTree(certificateIds: readonly bigint[]): {
  root: string;
  position(id: bigint): bigint;
  proof(id: bigint): string[];
} {
  const hashPair = (a: string, b: string): string =>
    BigInt(a) < BigInt(b)
      ? ethersLib.keccak256(ethersLib.concat([a, b]))
      : ethersLib.keccak256(ethersLib.concat([b, a]));
  const levels: string[][] = [certificateIds.map((id, i) => twinLeaf(BigInt(i), id))];
  while (levels[levels.length - 1].length > 1) {
    const level = levels[levels.length - 1];
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2)
      next.push(i + 1 < level.length ? hashPair(level[i], level[i + 1]) : level[i]);
    levels.push(next);
  }
  return {
    root: levels[levels.length - 1][0],
    position(id: bigint): bigint {
      const index = certificateIds.indexOf(id);
      if (index < 0) throw new RangeError(`certificate ${id} is not in the tree`);
      return BigInt(index);
    },
    proof(id: bigint): string[] {
      let index = certificateIds.indexOf(id);
      if (index < 0) throw new RangeError(`certificate ${id} is not in the tree`);
      const proof: string[] = [];
      for (const level of levels.slice(0, -1)) {
        if ((index ^ 1) < level.length) proof.push(level[index ^ 1]);
        index >>= 1;
      }
      return proof;
    },
  };
}

/** 2100-01-01: a voucher deadline that never passes within a test. */
export const FAR_DEADLINE = 4_102_444_800n;

/** A voucher for one edition of `designId`, free, for anyone, until FAR_DEADLINE, unless overridden. */
export function voucherFor(designId: bigint, extra: Partial<Voucher> = {}): Voucher {
  const voucher = {
    designId,
    buyer: ethersLib.ZeroAddress,
    amount: 1n,
    price: 0n,
    deadline: FAR_DEADLINE,
    ...extra,
  };
  // A nonce redeems one voucher per brand: by default each distinct voucher gets its own, so that vouchers
  // differing in any term are told apart as they were when a voucher's hash was its identity.
  const terms = [voucher.designId, voucher.buyer, voucher.amount, voucher.price, voucher.deadline].join(":");
  return { nonce: ethersLib.id(`voucher:${terms}`), ...voucher };
}

/** `signer`'s EIP-712 signature of a voucher for the garments contract (on `chainId` when given). */
export async function signVoucher(
  signer: Signer,
  garments: BaseContract,
  voucher: Voucher,
  chainId?: bigint,
): Promise<string> {
  return signer.signTypedData(await garmentsDomain(garments, chainId), VOUCHER_TYPES, voucher);
}
