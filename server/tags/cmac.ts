import { createCipheriv, createDecipheriv } from "node:crypto";
import type { Cipheriv, Decipheriv } from "node:crypto";

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

/**
 * AES-128 block encryption under one key, with one OpenSSL context kept for the key's life: a
 * context costs more to set up than the block costs to encrypt, and a verifier encrypts a few
 * blocks per key (the brand's keys for ever, a session key twice). ECB without padding never holds
 * data back, so `update` answers each block at once.
 */
export class AesBlockCipher {
  readonly #cipher: Cipheriv;

  constructor(key: Uint8Array) {
    requireAesKey(key);
    this.#cipher = createCipheriv("aes-128-ecb", key, null).setAutoPadding(false);
  }

  encrypt(block: Uint8Array): Buffer {
    return this.#cipher.update(block);
  }
}

/** AES-128 block decryption under one key (the PICC data's single CBC block with a zero IV is ECB). */
export class AesBlockDecipher {
  readonly #decipher: Decipheriv;

  constructor(key: Uint8Array) {
    requireAesKey(key);
    this.#decipher = createDecipheriv("aes-128-ecb", key, null).setAutoPadding(false);
  }

  decrypt(block: Uint8Array): Buffer {
    return this.#decipher.update(block);
  }
}

/** AES-CMAC (RFC 4493) under one key: its subkeys K1 and K2 computed once (§2.3). */
export class Cmac {
  readonly #aes: AesBlockCipher;
  readonly k1: Buffer;
  readonly k2: Buffer;

  constructor(key: Uint8Array) {
    this.#aes = new AesBlockCipher(key);
    this.k1 = double(this.#aes.encrypt(ZERO_BLOCK));
    this.k2 = double(this.k1);
  }

  /**
   * CMAC of blocks whose last one is already prepared (complete, or padded with 0x80 00…) and
   * masked with the subkey the caller chose. Shared by RFC 4493's CMAC and AN10922's variant,
   * which pads to two blocks where RFC 4493 pads to one. CBC with a zero IV, chained by hand.
   */
  ofPreparedBlocks(blocks: Uint8Array): Buffer {
    let chain: Buffer = ZERO_BLOCK;
    for (let offset = 0; offset < blocks.length; offset += AES_BLOCK) {
      const input = Buffer.allocUnsafe(AES_BLOCK);
      for (let i = 0; i < AES_BLOCK; i++) input[i] = chain[i] ^ blocks[offset + i];
      chain = this.#aes.encrypt(input);
    }
    return chain;
  }

  /** The full 16-byte tag of `message`. */
  mac(message: Uint8Array): Buffer {
    const complete = message.length > 0 && message.length % AES_BLOCK === 0;
    if (complete) return this.ofPreparedBlocks(maskLastBlock(Buffer.from(message), this.k1));
    const length = (Math.floor(message.length / AES_BLOCK) + 1) * AES_BLOCK;
    return this.ofPreparedBlocks(maskLastBlock(padTo(message, length), this.k2));
  }
}

/** RFC 4493 §2.3: the subkeys K1 (complete last block) and K2 (padded last block). */
export function cmacSubkeys(key: Uint8Array): { k1: Buffer; k2: Buffer } {
  const { k1, k2 } = new Cmac(key);
  return { k1, k2 };
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
  return new Cmac(key).mac(message);
}
