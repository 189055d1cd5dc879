import { randomBytes } from "node:crypto";
import { AES_BLOCK, aesCbcEncrypt } from "./cmac.js";
import {
  counterBytes,
  MAX_SDM_READ_COUNTER,
  PICC_DATA_TAG_UID_AND_COUNTER,
  sdmMac,
  sessionMacKey,
  type SunMessage,
} from "./sun.js";
import { fileReadKey, metaReadKey } from "./tag-keys.js";
import { UID_BYTES } from "./uid.js";

/**
 * What an NTAG 424 DNA personalised by Hallmark does on a tap, in software: counts, encrypts its
 * PICC data, MACs it. The demo piece of `npm start` carries one (its banner prints the next tap's
 * link, as does `hallmark tags tap`), and the tests and the benchmark tap with it. It computes
 * what the chip computes from the same keys, so it proves nothing a real tag would not.
 */
export class SimulatedTag {
  private readonly meta: Buffer;
  private readonly file: Buffer;

  constructor(
    masterKey: Uint8Array,
    readonly uid: Buffer,
    /** The counter of the last tap (0 for a fresh tag, whose first tap reads 1). */
    private lastCounter = 0,
  ) {
    if (uid.length !== UID_BYTES) throw new RangeError("An NTAG 424 DNA UID is 7 bytes");
    this.meta = metaReadKey(masterKey);
    this.file = fileReadKey(masterKey, uid);
  }

  get counter(): number {
    return this.lastCounter;
  }

  /** One tap: the counter goes up by one (and stays at its maximum once there, as the chip's does). */
  tap(): Extract<SunMessage, { variant: "encrypted" }> {
    this.lastCounter = Math.min(this.lastCounter + 1, MAX_SDM_READ_COUNTER);
    return this.messageAt(this.lastCounter);
  }

  /** The message the tag would write at `counter`, without counting (tests of stale and future counters). */
  messageAt(counter: number): Extract<SunMessage, { variant: "encrypted" }> {
    const plain = Buffer.concat([
      Buffer.of(PICC_DATA_TAG_UID_AND_COUNTER),
      this.uid,
      counterBytes(counter),
      // The chip fills the block with random bytes, so two taps never share a ciphertext prefix.
      randomBytes(AES_BLOCK - 1 - UID_BYTES - 3),
    ]);
    const piccData = aesCbcEncrypt(this.meta, Buffer.alloc(AES_BLOCK), plain);
    const cmac = sdmMac(sessionMacKey(this.file, this.uid, counter), Buffer.alloc(0));
    return { variant: "encrypted", piccData, cmac };
  }
}
