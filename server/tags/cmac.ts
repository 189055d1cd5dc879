import { createCipheriv, createDecipheriv } from "node:crypto";

/**
 * AES-128 and AES-CMAC (RFC 4493) over Node's crypto, the primitives of NTAG 424 DNA secure links
 * (NXP AN12196) and of NXP's key diversification (AN10922). Only the block cipher comes from
 * OpenSSL; CMAC is the few lines below, checked against RFC 4493's vectors and against a second
 * AES implementation (test/server/tags/cmac.ts).
 */
export const AES_BLOCK = 16;

const ZERO_BLOCK = Buffer.alloc(AES_BLOCK);

/** An AES-128 key: 16 bytes. Throws on any other length rather than letting OpenSSL pick a mode. */
export function requireAesKey(key: Uint8Array): void {
  if (key.length !== AES_BLOCK) throw new RangeError("An AES-128 key is 16 bytes");
}

/** AES-128 encryption of whole blocks, no padding. */
export function aesEcbEncrypt(key: Uint8Array, blocks: Uint8Array): Buffer {
  const cipher = createCipheriv("aes-128-ecb", key, null).setAutoPadding(false);
  return Buffer.concat([cipher.update(blocks), cipher.final()]);
}

/** AES-128-CBC encryption of whole blocks, no padding. */
export function aesCbcEncrypt(key: Uint8Array, iv: Uint8Array, blocks: Uint8Array): Buffer {
  const cipher = createCipheriv("aes-128-cbc", key, iv).setAutoPadding(false);
  return Buffer.concat([cipher.update(blocks), cipher.final()]);
}

/** AES-128-CBC decryption of whole blocks, no padding. */
export function aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, blocks: Uint8Array): Buffer {
  const decipher = createDecipheriv("aes-128-cbc", key, iv).setAutoPadding(false);
  return Buffer.concat([decipher.update(blocks), decipher.final()]);
}

/** Left shift of a 128-bit block by one bit, with the RFC 4493 reduction (Rb = 0x87) when the top bit falls out. */
function double(block: Buffer): Buffer {
  const out = Buffer.alloc(AES_BLOCK);
  for (let i = 0; i < AES_BLOCK; i++) {
    out[i] = ((block[i] << 1) | (i + 1 < AES_BLOCK ? block[i + 1] >>> 7 : 0)) & 0xff;
  }
  if ((block[0] & 0x80) !== 0) out[AES_BLOCK - 1] ^= 0x87;
  return out;
}

/** RFC 4493 §2.3: the subkeys K1 (complete last block) and K2 (padded last block). */
export function cmacSubkeys(key: Uint8Array): { k1: Buffer; k2: Buffer } {
  requireAesKey(key);
  const l = aesEcbEncrypt(key, ZERO_BLOCK);
  const k1 = double(l);
  return { k1, k2: double(k1) };
}

/**
 * CMAC of `message` whose last block is already prepared (complete, or padded with 0x80 00…) and
 * masked with the subkey chosen by the caller. Shared by RFC 4493's CMAC and AN10922's variant,
 * which pads to two blocks where RFC 4493 pads to one.
 */
export function cmacOfPreparedBlocks(key: Uint8Array, blocks: Buffer): Buffer {
  const chained = aesCbcEncrypt(key, ZERO_BLOCK, blocks);
  return chained.subarray(chained.length - AES_BLOCK);
}

/** Pads `message` with 0x80 00… to `length` bytes (ISO/IEC 9797-1 method 2). */
export function padTo(message: Uint8Array, length: number): Buffer {
  const padded = Buffer.alloc(length);
  padded.set(message);
  padded[message.length] = 0x80;
  return padded;
}

/** XORs `mask` into the last block of `blocks`, in place. */
export function maskLastBlock(blocks: Buffer, mask: Uint8Array): Buffer {
  const last = blocks.length - AES_BLOCK;
  for (let i = 0; i < AES_BLOCK; i++) blocks[last + i] ^= mask[i];
  return blocks;
}

/** AES-CMAC (RFC 4493) of `message` under a 16-byte key: the full 16-byte tag. */
export function aesCmac(key: Uint8Array, message: Uint8Array): Buffer {
  const { k1, k2 } = cmacSubkeys(key);
  const complete = message.length > 0 && message.length % AES_BLOCK === 0;
  if (complete) return cmacOfPreparedBlocks(key, maskLastBlock(Buffer.from(message), k1));
  const length = (Math.floor(message.length / AES_BLOCK) + 1) * AES_BLOCK;
  return cmacOfPreparedBlocks(key, maskLastBlock(padTo(message, length), k2));
}
