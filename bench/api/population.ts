/**
 * Builds the benchmark's world on the in-process chain: the contracts (Ignition, as `npm start`
 * deploys them), one brand with its roles, 10,000 certificates minted in batches of 500 whose
 * metadata documents are published to an embedded IPFS store, then a few thousand provenance
 * events and transfers concentrated on the pieces that "lived" (sold, repaired, resold).
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkConnection } from "hardhat/types/network";
import { ethers as ethersLib } from "ethers";
import HallmarkModule from "../../ignition/modules/Hallmark.js";
import type { Deployments } from "../../server/chain/deployments.js";
import { EmbeddedMetadataStore } from "../../server/ipfs/embedded-store.js";
import type { MetadataStore } from "../../server/ipfs/metadata-store.js";
import { loadExample } from "../../server/metadata/examples.js";
import { encodeDocument } from "../../server/metadata/metadata-document.js";
import { TAG_KIND_NTAG424, tagUidCommitment } from "../../server/tags/tag-binding.js";

export const BENCH_SALT = ethersLib.id("hallmark-bench-api-salt");
const BRAND_ID = 1n;
const ROLE = {
  ISSUER: ethersLib.id("hallmark.role.ISSUER"),
  RESALE_PARTNER: ethersLib.id("hallmark.role.RESALE_PARTNER"),
  REPAIRER: ethersLib.id("hallmark.role.REPAIRER"),
};
const Kind = { Sale: 0, Repair: 2, Inspection: 3 } as const;

export interface PopulationOptions {
  certificates: number;
  batchSize: number;
  /** Certificates sold out of the vault to a customer, each with a recorded sale. */
  sold: number;
  /** Of the sold ones, how many were repaired (then inspected). */
  repaired: number;
  /** Of the sold ones, how many were resold through the partner (authenticated resale). */
  resold: number;
  /**
   * One piece in `tagEvery` carries a simulated NTAG 424 DNA, bound at issuance as the demo binds
   * its tags (the UID's salted commitment in the document); absent: no piece is tagged.
   */
  tagEvery?: number;
  log: (line: string) => void;
}

/** A piece bound to a simulated NTAG 424 DNA at issuance. */
export interface TaggedPiece {
  tokenId: bigint;
  /** The tag's UID, 14 hex digits (NXP's manufacturer byte 04, then the piece's index). */
  uid: string;
}

export interface Population {
  deployments: Deployments;
  tokenIds: bigint[];
  /** Token ids with a history beyond issuance (sold, some repaired and resold). */
  livedTokenIds: bigint[];
  /** The pieces bound to a tag (none unless `tagEvery` was given). */
  taggedPieces: TaggedPiece[];
  documentsPublished: number;
  publishMs: number;
  mintMs: number;
  historyMs: number;
  transactions: number;
  headBlock: number;
}

export function serialOf(i: number): string {
  return `HB-${String(i).padStart(6, "0")}`;
}

/** The bench's tag UIDs: distinct from the demo's (04D3E0…), one per piece index. */
export function benchTagUid(i: number): string {
  return `04BE0C${i.toString(16).toUpperCase().padStart(8, "0")}`;
}

function serialHashOf(serial: string): string {
  return ethersLib.solidityPackedKeccak256(["bytes32", "string"], [BENCH_SALT, serial]);
}

function tokenIdOf(serialHash: string): bigint {
  return (BRAND_ID << 224n) | (BigInt(serialHash) & ((1n << 224n) - 1n));
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
async function pool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/** Where the contracts were deployed (Ignition, by the caller) and the first block to index. */
export interface DeployedContracts {
  chainId: number;
  startBlock: number;
  registry: string;
  certificate: string;
  garments: string;
}

export async function populate(
  ethers: HardhatEthers,
  deployed: DeployedContracts,
  metadata: MetadataStore,
  options: PopulationOptions,
): Promise<Population> {
  const signers = await ethers.getSigners();
  const [, admin, issuer, partner, repairer, vault, ...customers] = signers;
  const registry = await ethers.getContractAt("BrandRegistry", deployed.registry);
  const certificate = await ethers.getContractAt("HallmarkCertificate", deployed.certificate);
  let transactions = 0;
  const send = async (pending: Promise<{ wait(): Promise<unknown> }>): Promise<void> => {
    await (await pending).wait();
    transactions += 1;
  };

  await send(registry.registerBrand("Maison Bench", "", admin.address, vault.address, admin.address, 500));
  await send(registry.connect(admin).grantBrandRole(BRAND_ID, ROLE.ISSUER, issuer.address));
  await send(registry.connect(admin).grantBrandRole(BRAND_ID, ROLE.RESALE_PARTNER, partner.address));
  await send(registry.connect(admin).grantBrandRole(BRAND_ID, ROLE.REPAIRER, repairer.address));

  // One distinct document per certificate: the verifier's document cache (2,000 entries) then
  // cannot hold the whole collection, as in production.
  const base = loadExample("certificate-metadata.json") as Record<string, unknown> & {
    passport: Record<string, unknown>;
  };
  const inputs: { serialHash: string; metadataDigest: string; chip: string; claimKey: string }[] = [];
  const indices = Array.from({ length: options.certificates }, (_, i) => i);
  const tagEvery = options.tagEvery;
  const isTagged = (i: number): boolean => tagEvery !== undefined && i % tagEvery === 0;
  const publishStarted = performance.now();
  const encoded = indices.map((i) => {
    const serial = serialOf(i);
    const serialHash = serialHashOf(serial);
    const document = {
      ...base,
      name: `Maison Bench — Selleria Tote ${serial}`,
      external_url: `https://verify.maison-bench.example/c/${i}`,
      passport: {
        ...base.passport,
        serial: { kind: "salted-hash", serialHash },
        ...(isTagged(i)
          ? { tag: { kind: TAG_KIND_NTAG424, uidCommitment: tagUidCommitment(BENCH_SALT, benchTagUid(i)) } }
          : {}),
      },
    };
    const { bytes, digest } = encodeDocument("certificate-metadata", document);
    inputs.push({
      serialHash,
      metadataDigest: digest,
      chip: ethersLib.ZeroAddress,
      claimKey: ethersLib.ZeroAddress,
    });
    return bytes;
  });
  let published = 0;
  await pool(encoded, 16, async (bytes) => {
    await metadata.addBytes(bytes);
    if (++published % 2_000 === 0) options.log(`  published ${published} documents`);
  });
  const publishMs = performance.now() - publishStarted;

  // Details documents of provenance events: a few, reused (the provenance route does not read them).
  const reports = await Promise.all(
    ["2025-01-09T10:00:00Z", "2025-02-10T10:00:00Z", "2025-03-11T10:00:00Z"].map(async (date) => {
      const example = loadExample("provenance-repair.json") as Record<string, unknown>;
      const { bytes, digest } = encodeDocument("provenance-details", { ...example, date });
      await metadata.addBytes(bytes);
      return digest;
    }),
  );

  const mintStarted = performance.now();
  for (let from = 0; from < inputs.length; from += options.batchSize) {
    const batch = inputs.slice(from, from + options.batchSize);
    await send(
      certificate.connect(issuer).issueBatch(BRAND_ID, vault.address, batch, { gasLimit: 30_000_000n }),
    );
  }
  const mintMs = performance.now() - mintStarted;
  options.log(
    `  minted ${inputs.length} certificates in ${Math.ceil(inputs.length / options.batchSize)} batches`,
  );
  const tokenIds = inputs.map((input) => tokenIdOf(input.serialHash));

  // Histories: spread over the collection (every k-th piece), so lived pieces sit in every batch.
  const step = Math.max(1, Math.floor(tokenIds.length / options.sold));
  const lived = Array.from({ length: options.sold }, (_, i) => tokenIds[(i * step) % tokenIds.length]);
  const historyStarted = performance.now();
  for (let i = 0; i < lived.length; i++) {
    const tokenId = lived[i];
    const buyer = customers[i % customers.length];
    await send(certificate.connect(vault).transferFrom(vault.address, buyer.address, tokenId));
    await send(certificate.connect(issuer).recordProvenance(tokenId, Kind.Sale, reports[i % 3], 0));
    if (i < options.repaired) {
      await send(
        certificate.connect(repairer).recordProvenance(tokenId, Kind.Repair, reports[(i + 1) % 3], 8),
      );
      await send(
        certificate.connect(repairer).recordProvenance(tokenId, Kind.Inspection, reports[(i + 2) % 3], 8),
      );
    }
    if (i < options.resold) {
      const next = customers[(i + 1) % customers.length];
      await send(certificate.connect(buyer).approve(partner.address, tokenId));
      await send(certificate.connect(partner).authenticatedResale(tokenId, next.address, reports[i % 3], 9));
    }
    if ((i + 1) % 250 === 0)
      options.log(`  histories: ${i + 1}/${lived.length} pieces, ${transactions} transactions`);
  }
  const historyMs = performance.now() - historyStarted;

  return {
    deployments: {
      chainId: deployed.chainId,
      startBlock: deployed.startBlock,
      contracts: {
        BrandRegistry: deployed.registry,
        HallmarkCertificate: deployed.certificate,
        HallmarkGarments: deployed.garments,
      },
    },
    tokenIds,
    livedTokenIds: lived,
    taggedPieces: indices.filter(isTagged).map((i) => ({ tokenId: tokenIds[i], uid: benchTagUid(i) })),
    documentsPublished: published,
    publishMs,
    mintMs,
    historyMs,
    transactions,
    headBlock: await ethers.provider.getBlockNumber(),
  };
}

/**
 * The benchmarks' one data set on a fresh connection: the contracts deployed with Ignition as
 * `npm start` deploys them, then `populate` with its documents in an embedded IPFS store at
 * `ipfsDirectory` (closed before this returns). One in ten certificates is sold, half of those
 * repaired, a quarter resold.
 */
export async function deployPopulation(
  connection: NetworkConnection,
  ipfsDirectory: string,
  options: { certificates: number; batchSize: number; tagEvery?: number; log: (line: string) => void },
): Promise<Population> {
  const { ethers, ignition } = connection;
  const [deployer] = await ethers.getSigners();
  const startBlock = await ethers.provider.getBlockNumber();
  const deployed = await ignition.deploy(HallmarkModule, {
    parameters: { Hallmark: { groupAdmin: deployer.address, adminDelay: 2n * 24n * 3600n } },
    displayUi: false,
  });
  const { chainId } = await ethers.provider.getNetwork();
  const metadataStore = await EmbeddedMetadataStore.open({ directory: ipfsDirectory });
  const sold = Math.round(options.certificates * 0.1);
  return await populate(
    ethers,
    {
      chainId: Number(chainId),
      startBlock,
      registry: await deployed.registry.getAddress(),
      certificate: await deployed.certificate.getAddress(),
      garments: await deployed.garments.getAddress(),
    },
    metadataStore,
    { ...options, sold, repaired: Math.round(sold / 2), resold: Math.round(sold / 4) },
  ).finally(() => metadataStore.close());
}
