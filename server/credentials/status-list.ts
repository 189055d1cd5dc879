import { gzipSync } from "node:zlib";
import { NotFoundError } from "../errors.js";
import type { IndexReader } from "../store/IndexStore.js";
import { MAX_PAGE_LIMIT } from "../store/IndexStore.js";
import type { CertificateStatus } from "../store/model.js";

/**
 * W3C Bitstring Status List v1.0 for passport credentials: one list per brand and purpose, each a
 * bit per certificate. A certificate's position is its place in its brand's issuance order (the
 * index's stable order: block, log index), so it never moves once its issuance is final, and
 * the bit follows the chain: `revocation` is set for a revoked certificate (final on chain),
 * `suspension` for one reported stolen (it may be restored, and the bit then clears).
 */

export const STATUS_PURPOSES = ["revocation", "suspension"] as const;
export type StatusPurpose = (typeof STATUS_PURPOSES)[number];

/** The spec's minimum length (16 KiB of bits): a list does not tell how many pieces a brand has made. */
export const MIN_LIST_LENGTH = 131_072;

const STATUS_OF_PURPOSE: Record<StatusPurpose, CertificateStatus> = {
  revocation: "revoked",
  suspension: "stolen",
};

interface BrandSnapshot {
  version: number;
  positions: Map<string, number>;
  statuses: CertificateStatus[];
}

/**
 * The brands' lists, read from the index and rebuilt when its content changes (contentVersion):
 * building reads the brand's certificates once (10,000 certificates: 20 pages of 500), and every
 * credential and list asked for between two index changes shares it.
 */
export class BrandStatusLists {
  private readonly snapshots = new Map<number, Promise<BrandSnapshot>>();

  constructor(private readonly index: IndexReader) {}

  /** The certificate's position in its brand's lists. */
  async positionOf(brandId: number, tokenId: string): Promise<number> {
    const position = (await this.snapshotOf(brandId)).positions.get(tokenId);
    if (position === undefined) throw new NotFoundError(`No certificate ${tokenId} of brand ${brandId}`);
    return position;
  }

  /** The list's bits: bit i (left to right, the first byte's most significant bit is 0) set when certificate i has the purpose's status. */
  async bitsOf(brandId: number, purpose: StatusPurpose): Promise<Uint8Array> {
    const { statuses } = await this.snapshotOf(brandId);
    const length = Math.max(MIN_LIST_LENGTH, Math.ceil(statuses.length / MIN_LIST_LENGTH) * MIN_LIST_LENGTH);
    const bits = new Uint8Array(length / 8);
    const wanted = STATUS_OF_PURPOSE[purpose];
    statuses.forEach((status, position) => {
      if (status === wanted) bits[position >> 3] |= 0x80 >> (position & 7);
    });
    return bits;
  }

  private snapshotOf(brandId: number): Promise<BrandSnapshot> {
    const version = this.index.contentVersion();
    const cached = this.snapshots.get(brandId);
    if (cached !== undefined) {
      return cached.then((snapshot) => (snapshot.version === version ? snapshot : this.rebuild(brandId)));
    }
    return this.rebuild(brandId);
  }

  private rebuild(brandId: number): Promise<BrandSnapshot> {
    const building = this.read(brandId);
    this.snapshots.set(brandId, building);
    // A failed read (the index unreachable) is not kept: the next request tries again.
    building.catch(() => this.snapshots.delete(brandId));
    return building;
  }

  private async read(brandId: number): Promise<BrandSnapshot> {
    const version = this.index.contentVersion();
    const positions = new Map<string, number>();
    const statuses: CertificateStatus[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.index.listCertificates({ brandId, cursor, limit: MAX_PAGE_LIMIT });
      for (const record of page.items) {
        positions.set(record.tokenId, statuses.length);
        statuses.push(record.status);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return { version, positions, statuses };
  }
}

/** The list as the spec encodes it: GZIP, then multibase base64url without padding ("u" prefix). */
export function encodeStatusList(bits: Uint8Array): string {
  return `u${gzipSync(bits).toString("base64url")}`;
}

/** The BitstringStatusListCredential of one brand's list (to be signed by the brand's issuer). */
export function statusListCredential(options: {
  url: string;
  issuer: string;
  purpose: StatusPurpose;
  encodedList: string;
  validFrom: Date;
}): Record<string, unknown> {
  return {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    id: options.url,
    type: ["VerifiableCredential", "BitstringStatusListCredential"],
    issuer: options.issuer,
    validFrom: options.validFrom.toISOString(),
    credentialSubject: {
      id: `${options.url}#list`,
      type: "BitstringStatusList",
      statusPurpose: options.purpose,
      encodedList: options.encodedList,
    },
  };
}

/** A credential's entry in a list (its `credentialStatus`). */
export function statusListEntry(listUrl: string, purpose: StatusPurpose, position: number) {
  return {
    id: `${listUrl}#${position}`,
    type: "BitstringStatusListEntry",
    statusPurpose: purpose,
    statusListIndex: String(position),
    statusListCredential: listUrl,
  };
}
