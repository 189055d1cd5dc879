import { id, TypedDataEncoder } from "ethers";
import type { BigNumberish, Signer, TypedDataField } from "ethers";

/**
 * The EIP-712 types the Hallmark contracts check, written out once: the server, the browser
 * pages (served through the pages' JSON config, see server/web/pages/claim.ts), the CLI, the
 * demo seed, the benchmarks and the tests all sign and read with these. Each must encode to the
 * typehash constant its contract declares; test/server/chain/eip712.ts reads the constants from
 * deployed contracts and compares, so a field renamed on one side fails there.
 */

/** The domain's own type, which eth_signTypedData_v4 wants in `types` (ethers derives it itself). */
export const EIP712_DOMAIN_TYPE = [
  { name: "name", type: "string" },
  { name: "version", type: "string" },
  { name: "chainId", type: "uint256" },
  { name: "verifyingContract", type: "address" },
] as const satisfies readonly TypedDataField[];

/** HallmarkCertificate.claimWithCode: the claim code's key names the recipient, so a relay cannot redirect it. */
export const CLAIM_TYPES = {
  Claim: [
    { name: "tokenId", type: "uint256" },
    { name: "recipient", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} satisfies Record<string, TypedDataField[]>;

/** HallmarkCertificate.claimWithChip: the chip signs a recent block hash, so an old tap cannot be replayed. */
export const CHIP_CLAIM_TYPES = {
  ChipClaim: [
    { name: "tokenId", type: "uint256" },
    { name: "recipient", type: "address" },
    { name: "blockNumber", type: "uint256" },
    { name: "blockHash", type: "bytes32" },
    { name: "nonce", type: "uint256" },
  ],
} satisfies Record<string, TypedDataField[]>;

/**
 * HallmarkCertificate.claimWithTag (TagAttestedClaims): the brand's tag oracle attests a fresh
 * NTAG 424 DNA tap of the piece's tag, for the recipient the person holding the piece names.
 */
export const TAG_CLAIM_TYPES = {
  TagClaim: [
    { name: "tokenId", type: "uint256" },
    { name: "recipient", type: "address" },
    { name: "counter", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} satisfies Record<string, TypedDataField[]>;

/** HallmarkCertificate.permit: an approval signed by the owner and submitted by anyone. */
export const PERMIT_TYPES = {
  Permit: [
    { name: "spender", type: "address" },
    { name: "tokenId", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} satisfies Record<string, TypedDataField[]>;

/** HallmarkCertificate.verifyOwnership: the owner answers a verifier's single-use challenge. */
export const OWNERSHIP_PROOF_TYPES = {
  OwnershipProof: [
    { name: "tokenId", type: "uint256" },
    { name: "owner", type: "address" },
    { name: "challenge", type: "bytes32" },
  ],
} satisfies Record<string, TypedDataField[]>;

/** HallmarkGarments.redeemVoucher: an issuer's offer of `amount` editions at `price`, to `buyer` or anyone. */
export const VOUCHER_TYPES = {
  Voucher: [
    { name: "designId", type: "uint256" },
    { name: "buyer", type: "address" },
    { name: "amount", type: "uint32" },
    { name: "price", type: "uint256" },
    { name: "deadline", type: "uint64" },
    { name: "nonce", type: "bytes32" },
  ],
} satisfies Record<string, TypedDataField[]>;

/** The contracts' EIP-712 domains (name and version as their constructors pass them to OpenZeppelin's EIP712). */
export const CERTIFICATE_DOMAIN_NAME = "Hallmark Certificate";
export const GARMENTS_DOMAIN_NAME = "Hallmark Garments";
export const DOMAIN_VERSION = "1";

export interface Domain<Name extends string, ChainId extends BigNumberish = BigNumberish> {
  name: Name;
  version: typeof DOMAIN_VERSION;
  chainId: ChainId;
  verifyingContract: string;
}
export type CertificateDomain<ChainId extends BigNumberish = BigNumberish> = Domain<
  typeof CERTIFICATE_DOMAIN_NAME,
  ChainId
>;
export type GarmentsDomain<ChainId extends BigNumberish = BigNumberish> = Domain<
  typeof GARMENTS_DOMAIN_NAME,
  ChainId
>;

/** The domain of the certificate contract at `verifyingContract` on `chainId` (Claim, ChipClaim, Permit, OwnershipProof). */
export function certificateDomain<ChainId extends BigNumberish>(
  chainId: ChainId,
  verifyingContract: string,
): CertificateDomain<ChainId> {
  return { name: CERTIFICATE_DOMAIN_NAME, version: DOMAIN_VERSION, chainId, verifyingContract };
}

/** The domain of the garments contract at `verifyingContract` on `chainId` (Voucher). */
export function garmentsDomain<ChainId extends BigNumberish>(
  chainId: ChainId,
  verifyingContract: string,
): GarmentsDomain<ChainId> {
  return { name: GARMENTS_DOMAIN_NAME, version: DOMAIN_VERSION, chainId, verifyingContract };
}

/** What each type's signer fills in, by primary type. */
export interface TypedMessages {
  Claim: { tokenId: BigNumberish; recipient: string; nonce: BigNumberish; deadline: BigNumberish };
  ChipClaim: {
    tokenId: BigNumberish;
    recipient: string;
    blockNumber: BigNumberish;
    blockHash: string;
    nonce: BigNumberish;
  };
  TagClaim: { tokenId: BigNumberish; recipient: string; counter: BigNumberish; deadline: BigNumberish };
  Permit: { spender: string; tokenId: BigNumberish; nonce: BigNumberish; deadline: BigNumberish };
  OwnershipProof: { tokenId: BigNumberish; owner: string; challenge: string };
  Voucher: {
    designId: BigNumberish;
    buyer: string;
    amount: BigNumberish;
    price: BigNumberish;
    deadline: BigNumberish;
    nonce: string;
  };
}
export type PrimaryType = keyof TypedMessages;

/**
 * Every signed type: its fields, the contract whose domain it is signed in, and the name of the
 * typehash constant that contract exposes. Adding a type here puts it under the typehash test.
 */
export const SIGNED_TYPES = {
  Claim: { types: CLAIM_TYPES, contract: "certificate", typehash: "CLAIM_TYPEHASH" },
  ChipClaim: { types: CHIP_CLAIM_TYPES, contract: "certificate", typehash: "CHIP_CLAIM_TYPEHASH" },
  TagClaim: { types: TAG_CLAIM_TYPES, contract: "certificate", typehash: "TAG_CLAIM_TYPEHASH" },
  Permit: { types: PERMIT_TYPES, contract: "certificate", typehash: "PERMIT_TYPEHASH" },
  OwnershipProof: {
    types: OWNERSHIP_PROOF_TYPES,
    contract: "certificate",
    typehash: "OWNERSHIP_PROOF_TYPEHASH",
  },
  Voucher: { types: VOUCHER_TYPES, contract: "garments", typehash: "VOUCHER_TYPEHASH" },
} as const satisfies Record<
  PrimaryType,
  { types: Record<string, TypedDataField[]>; contract: "certificate" | "garments"; typehash: string }
>;

/** The domain each primary type is signed in. */
type DomainOf<T extends PrimaryType> = (typeof SIGNED_TYPES)[T]["contract"] extends "garments"
  ? GarmentsDomain
  : CertificateDomain;

/** The encoded type, e.g. "Claim(uint256 tokenId,address recipient,uint256 nonce,uint256 deadline)". */
export function encodeType(primaryType: PrimaryType): string {
  return TypedDataEncoder.from(SIGNED_TYPES[primaryType].types).encodeType(primaryType);
}

/** keccak256 of the encoded type: what the contract's `*_TYPEHASH` constant must equal. */
export function typeHash(primaryType: PrimaryType): string {
  return id(encodeType(primaryType));
}

/** Signs `message` as `primaryType` in `domain` (a wallet, a claim-code key, a chip key, an issuer key). */
export function signTypedMessage<T extends PrimaryType>(
  signer: Pick<Signer, "signTypedData">,
  primaryType: T,
  domain: DomainOf<T>,
  message: TypedMessages[T],
): Promise<string> {
  return signer.signTypedData(domain, SIGNED_TYPES[primaryType].types, message);
}
