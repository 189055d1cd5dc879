import { getAddress, isAddress, keccak256, solidityPacked } from "ethers";

/**
 * Pure parsing and derivation of the identifiers the verifier accepts. Token ids are uint256,
 * decimal in every answer; a brand id is the token id's top 32 bits.
 */
export const UINT256_MAX = (1n << 256n) - 1n;
export const UINT32_MAX = 0xffff_ffff;
const LOW_224 = (1n << 224n) - 1n;

/** Decimal (canonical) or 0x-hex uint256 → bigint, or null when malformed or out of range. */
export function parseUint256(text: string): bigint | null {
  if (!/^(?:[0-9]{1,78}|0x[0-9a-fA-F]{1,64})$/.test(text)) return null;
  const value = BigInt(text);
  return value <= UINT256_MAX ? value : null;
}

export function brandOfTokenId(tokenId: bigint): number {
  return Number(tokenId >> 224n);
}

/** The token id of (brand, serial): what HallmarkCertificate.tokenIdOf computes from keccak256(salt ‖ serial). */
export function tokenIdForSerial(brandId: number, salt: string, serial: string): bigint {
  const serialHash = BigInt(keccak256(solidityPacked(["bytes32", "string"], [salt, serial])));
  return (BigInt(brandId) << 224n) | (serialHash & LOW_224);
}

/** A 0x address in any case; a mixed-case address must carry a valid EIP-55 checksum. */
export function parseAddress(text: string): string | null {
  if (!/^0x[0-9a-fA-F]{40}$/.test(text) || !isAddress(text)) return null;
  try {
    return getAddress(text);
  } catch {
    return null;
  }
}

export function sameAddress(a: string | null | undefined, b: string | null | undefined): boolean {
  return (
    a !== null && a !== undefined && b !== null && b !== undefined && a.toLowerCase() === b.toLowerCase()
  );
}
