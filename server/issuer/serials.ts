import { keccak256, solidityPacked } from "ethers";

/**
 * Serial commitments exactly as HallmarkCertificate computes them: the serial never appears on
 * chain, only keccak256(abi.encodePacked(bytes32 brandSalt, string serial)); the token id is the
 * brand in the top 32 bits over the low 224 bits of that hash.
 */
const LOW_224 = (1n << 224n) - 1n;

export function serialHashOf(brandSalt: string, serial: string): string {
  return keccak256(solidityPacked(["bytes32", "string"], [brandSalt, serial]));
}

export function certificateTokenId(brandId: number, serialHash: string): bigint {
  return (BigInt(brandId) << 224n) | (BigInt(serialHash) & LOW_224);
}

export function brandOfToken(tokenId: bigint): number {
  return Number(tokenId >> 224n);
}
