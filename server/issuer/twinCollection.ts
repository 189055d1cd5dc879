/**
 * The twin collection of a digital garment design: the certificates whose owners may claim a twin,
 * committed on-chain as a Merkle root. Each certificate has a position in the collection (its place in the
 * list the brand gives, 0, 1, 2, ...), and its leaf binds the two: the garments contract keeps one claimed bit
 * per position, 256 to a storage slot, which costs a claim far less than a fresh slot per certificate. Leaves
 * and pair hashing follow OpenZeppelin's MerkleProof (double-hashed leaves, sorted pairs), so proofs verify
 * with `MerkleProof.verifyCalldata`.
 */
import { AbiCoder, concat, keccak256 } from "ethers";

export interface TwinCollection {
  root: string;
  /** The certificate's position in the collection, which `claimTwin` takes with the proof. */
  positionOf(certificateId: bigint): bigint;
  proofOf(certificateId: bigint): string[];
}

/** keccak256(keccak256(abi.encode(position, certificateId))), as HallmarkGarments hashes a leaf. */
export function twinLeaf(position: bigint, certificateId: bigint): string {
  return keccak256(
    keccak256(AbiCoder.defaultAbiCoder().encode(["uint256", "uint256"], [position, certificateId])),
  );
}

function hashPair(a: string, b: string): string {
  return BigInt(a) < BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a]));
}

export function buildTwinCollection(certificateIds: readonly bigint[]): TwinCollection {
  if (certificateIds.length === 0) throw new RangeError("a twin collection needs at least one certificate");
  // A certificate listed twice keeps its first position: one position, so one twin, per certificate.
  const positions = new Map<bigint, bigint>();
  for (const id of certificateIds) if (!positions.has(id)) positions.set(id, BigInt(positions.size));
  const leaves = [...positions].map(([id, position]) => ({ id, leaf: twinLeaf(position, id) }));
  leaves.sort((x, y) => (BigInt(x.leaf) < BigInt(y.leaf) ? -1 : 1));
  const levels: string[][] = [leaves.map((l) => l.leaf)];
  while (levels[levels.length - 1].length > 1) {
    const level = levels[levels.length - 1];
    const next: string[] = [];
    // An odd node is carried up unchanged, which MerkleProof accepts (it only hashes the siblings given).
    for (let i = 0; i < level.length; i += 2)
      next.push(i + 1 < level.length ? hashPair(level[i], level[i + 1]) : level[i]);
    levels.push(next);
  }
  const indexOf = new Map(leaves.map((l, i) => [l.id, i]));
  return {
    root: levels[levels.length - 1][0],
    positionOf(certificateId: bigint): bigint {
      const position = positions.get(certificateId);
      if (position === undefined)
        throw new RangeError(`certificate ${certificateId} is not in the twin collection`);
      return position;
    },
    proofOf(certificateId: bigint): string[] {
      let index = indexOf.get(certificateId);
      if (index === undefined)
        throw new RangeError(`certificate ${certificateId} is not in the twin collection`);
      const proof: string[] = [];
      for (const level of levels.slice(0, -1)) {
        const sibling = index ^ 1;
        if (sibling < level.length) proof.push(level[sibling]);
        index = Math.floor(index / 2);
      }
      return proof;
    },
  };
}
