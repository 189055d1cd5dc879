import { AES_BLOCK, Cmac, maskLastBlock, padTo } from "./cmac.js";

/**
 * NXP AN10922 §2.2 AES-128 key diversification: a card key is the CMAC of `0x01 ‖ M` under the
 * master key, where M (1 to 31 bytes) names the card (its UID) and what the key is for. It is
 * CMAC with one difference from RFC 4493: the input is padded to two blocks (32 bytes), not to the
 * next block, so a short M still costs two AES blocks and is masked with K2.
 */
const AES128_DIVERSIFICATION_CONSTANT = 0x01;
const DIVERSIFICATION_BLOCKS = 2 * AES_BLOCK;

/** `masterKey` as bytes, or as a prepared Cmac (a verifier keeps one per master key). */
export function diversifyAes128(masterKey: Uint8Array | Cmac, diversificationInput: Uint8Array): Buffer {
  const cmac = masterKey instanceof Cmac ? masterKey : new Cmac(masterKey);
  if (diversificationInput.length < 1 || diversificationInput.length > DIVERSIFICATION_BLOCKS - 1)
    throw new RangeError("AN10922 diversification input is 1 to 31 bytes");
  const d = Buffer.alloc(1 + diversificationInput.length);
  d[0] = AES128_DIVERSIFICATION_CONSTANT;
  d.set(diversificationInput, 1);
  if (d.length === DIVERSIFICATION_BLOCKS) return cmac.ofPreparedBlocks(maskLastBlock(d, cmac.k1));
  return cmac.ofPreparedBlocks(maskLastBlock(padTo(d, DIVERSIFICATION_BLOCKS), cmac.k2));
}
