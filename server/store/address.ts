import { getAddress } from "ethers";

const cache = new Map<string, string>();
const MAX_CACHED = 100_000;

/**
 * EIP-55 checksum of an address (any case), memoised: the index writes the same owners, issuers
 * and vaults over and over, and each checksum costs a keccak. Throws on a malformed address.
 */
export function checksumAddress(address: string): string {
  const key = address.toLowerCase();
  let value = cache.get(key);
  if (value === undefined) {
    value = getAddress(key);
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(key, value);
  }
  return value;
}
