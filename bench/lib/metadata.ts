import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import { create as createDigest } from "multiformats/hashes/digest";
import { sha256 } from "multiformats/hashes/sha2";
import { ethers } from "ethers";

/** A piece's metadata document as the benchmarks commit to it: our digest and the baseline's ipfs:// URI. */
export interface PieceDocument {
  serial: string;
  /** sha256 of the document bytes, the commitment a Hallmark certificate carries. */
  metadataDigest: string;
  /** ipfs://<CIDv1 raw sha2-256> of the same bytes (66 characters), what a URI-storage NFT would store. */
  uri: string;
}

/** A realistic metadata document of a few hundred bytes. */
function documentBytes(serial: string): Uint8Array {
  return ethers.toUtf8Bytes(
    JSON.stringify({
      name: `Sac Héritage ${serial}`,
      description: "Calfskin top-handle bag, hand-stitched, brass hardware.",
      image: "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/front.jpg",
      attributes: [
        { trait_type: "Made in", value: "Florence" },
        { trait_type: "Manufactured", value: "2024-03" },
        { trait_type: "Material", value: "Calfskin" },
      ],
    }),
  );
}

export function pieceDocument(serial: string): PieceDocument {
  const digestHex = ethers.sha256(documentBytes(serial));
  const cid = CID.createV1(raw.code, createDigest(sha256.code, ethers.getBytes(digestHex)));
  return { serial, metadataDigest: digestHex, uri: `ipfs://${cid.toString()}` };
}

/** `count` documents with serials `${prefix}-000000`, `${prefix}-000001`, … */
export function pieceDocuments(prefix: string, count: number): PieceDocument[] {
  return Array.from({ length: count }, (_, i) => pieceDocument(`${prefix}-${String(i).padStart(6, "0")}`));
}
