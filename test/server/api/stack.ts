import { ethers as ethersLib, Wallet } from "ethers";
import { loadConfig } from "../../../server/config.js";
import type { Eip1193 } from "../../../server/chain/eip1193.js";
import { EmbeddedMetadataStore } from "../../../server/ipfs/embedded-store.js";
import type { MetadataStore } from "../../../server/ipfs/metadata-store.js";
import { loadExample } from "../../../server/metadata/examples.js";
import { publishDocument } from "../../../server/metadata/metadata-document.js";
import { startVerifier } from "../../../server/main.js";
import type { VerifierHandle } from "../../../server/main.js";
import { connection, deployHallmark, ethers, tokenIdOf } from "../../contracts/fixtures.js";
import { makeTempDir } from "../support/temp-dir.js";
import { OpenApiResponses } from "../support/openapi-responses.js";
import { buildOpenApiDocument } from "../../../server/app.js";

/**
 * The real verifier stack in-process for API tests: the EDR chain with the contracts deployed
 * and two brands, a Helia node in a temp dir, an in-memory sqlite index, the real indexer
 * (driven with `sync()` so tests are deterministic) and the HTTP server on an ephemeral port.
 */
export const SALT_A = ethersLib.id("api-test-salt-brand-1");
export const SALT_B = ethersLib.id("api-test-salt-brand-2");
/** GS1 company prefix of brand 1 (GTIN-13 form). */
export const GS1_PREFIX_A = "8012345";
/** The GTIN the example passport (and so every certificate `issue` makes) commits to: a product of brand 1. */
export const PASSPORT_GTIN = "08012345678907";

export function serialHashOf(serial: string, salt = SALT_A): string {
  return ethersLib.solidityPackedKeccak256(["bytes32", "string"], [salt, serial]);
}

export type Stack = Awaited<ReturnType<typeof buildStack>>;

export async function buildStack(
  options: {
    challengeTtlMs?: number;
    provider?: Eip1193;
    env?: Record<string, string>;
    /** Also start a second verifier on the same chain and IPFS with its index in this PostgreSQL database. */
    mirrorDatabaseUrl?: string;
    /** Contracts deployed beside Hallmark's before the verifier starts (passkey accounts: ./passkey-stack.ts). */
    moreContracts?: (contracts: {
      registry: string;
      certificate: string;
      garments: string;
    }) => Promise<Record<string, string>>;
    /** The store the verifier is given, built over the stack's Helia store (a backup copy, #19). */
    wrapStore?: (store: MetadataStore) => MetadataStore;
  } = {},
) {
  const fx = await deployHallmark();
  const garments = await ethers.deployContract("HallmarkGarments", [
    await fx.registry.getAddress(),
    await fx.certificate.getAddress(),
  ]);
  await fx.certificate.setTwinContract(await garments.getAddress());
  const temp = await makeTempDir("api");
  const metadataStore = await EmbeddedMetadataStore.open({ directory: temp.path });
  const { chainId } = await ethers.provider.getNetwork();
  const deployments = {
    chainId: Number(chainId),
    startBlock: 0,
    contracts: {
      BrandRegistry: await fx.registry.getAddress(),
      HallmarkCertificate: await fx.certificate.getAddress(),
      HallmarkGarments: await garments.getAddress(),
      ...(await options.moreContracts?.({
        registry: await fx.registry.getAddress(),
        certificate: await fx.certificate.getAddress(),
        garments: await garments.getAddress(),
      })),
    },
  };
  const config = loadConfig({
    HALLMARK_PORT: "0",
    HALLMARK_DATA_DIR: temp.path,
    HALLMARK_BRAND_SALTS: JSON.stringify({ "1": SALT_A, "2": SALT_B }),
    HALLMARK_GS1_PREFIXES: JSON.stringify({ [GS1_PREFIX_A]: 1 }),
    HALLMARK_CONFIRMATIONS: "0",
    HALLMARK_RATE_LIMIT_PER_MINUTE: "1000000",
    HALLMARK_LOG_LEVEL: "silent",
    ...options.env,
  });
  const verifier: VerifierHandle = await startVerifier({
    config,
    provider: options.provider ?? connection.provider,
    deployments,
    metadataStore: options.wrapStore?.(metadataStore) ?? metadataStore,
    indexLocation: ":memory:",
    handleSignals: false,
    startIndexer: false,
    challengeTtlMs: options.challengeTtlMs,
    heartbeatMs: 200,
  });

  const mirror: VerifierHandle | null =
    options.mirrorDatabaseUrl === undefined
      ? null
      : await startVerifier({
          // Pages name their own address (QR codes, share links): the mirror names the first one's,
          // as every instance behind one load balancer names the public address.
          config: {
            ...config,
            databaseUrl: options.mirrorDatabaseUrl,
            publicUrl: config.publicUrl ?? verifier.url,
          },
          provider: options.provider ?? connection.provider,
          deployments,
          metadataStore,
          issuerDatabaseLocation: ":memory:",
          handleSignals: false,
          startIndexer: false,
          challengeTtlMs: options.challengeTtlMs,
          heartbeatMs: 200,
        });

  let documents = 0;
  /** Publishes a certificate document to IPFS and returns its digest. */
  async function certificateDocument(serial: string): Promise<string> {
    const base = loadExample("certificate-metadata.json") as Record<string, unknown> & {
      passport: Record<string, unknown>;
    };
    const document = {
      ...base,
      name: `Maison A — piece ${serial} (${++documents})`,
      passport: { ...base.passport, serial: { kind: "salted-hash", serialHash: serialHashOf(serial) } },
    };
    return (await publishDocument(metadataStore, "certificate-metadata", document)).digest;
  }

  async function resaleReport(grade: string): Promise<string> {
    const base = loadExample("provenance-authenticated-resale.json") as Record<string, unknown> & {
      inspection: Record<string, unknown>;
    };
    return (
      await publishDocument(metadataStore, "provenance-details", {
        ...base,
        inspection: { ...base.inspection, conditionGrade: grade },
      })
    ).digest;
  }

  async function garmentDocument(): Promise<string> {
    return (await publishDocument(metadataStore, "garment-metadata", loadExample("garment-metadata.json")))
      .digest;
  }

  /** Issues a certificate of brand 1 with a published document; returns its token id. */
  async function issue(
    serial: string,
    to: string,
    extra: { chip?: string; claimKey?: string; digest?: string } = {},
  ): Promise<bigint> {
    const input = {
      serialHash: serialHashOf(serial),
      metadataDigest: extra.digest ?? (await certificateDocument(serial)),
      chip: extra.chip ?? ethersLib.ZeroAddress,
      claimKey: extra.claimKey ?? ethersLib.ZeroAddress,
    };
    await (await fx.certificate.connect(fx.issuerA).issue(fx.brandA, to, input)).wait();
    return tokenIdOf(fx.brandA, input.serialHash);
  }

  /** Lets the indexer catch up with the chain. */
  async function sync(): Promise<void> {
    for (const handle of mirror === null ? [verifier] : [verifier, mirror]) {
      for (let i = 0; i < 5; i++) {
        const indexer = handle.indexer ?? (await handle.leadingIndexer!.whenLeading()).indexer;
        const result = await indexer.runOnce();
        if (result.toBlock >= result.headBlock) break;
      }
    }
  }

  async function close(): Promise<void> {
    await mirror?.close();
    await verifier.close();
    await metadataStore.close();
    await temp.remove();
  }

  return {
    ...fx,
    garments,
    verifier,
    mirror,
    metadataStore,
    ipfsDirectory: temp.path,
    deployments,
    url: verifier.url,
    issue,
    resaleReport,
    garmentDocument,
    certificateDocument,
    sync,
    close,
    newWallet: () => Wallet.createRandom(),
  };
}

export interface JsonAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** The document the app serves, to check every answer these tests read against it. */
let described: OpenApiResponses | undefined;

/** An answer as JSON, checked against /openapi.json first (a departure fails the test that read it). */
export async function getJson<T = Record<string, unknown>>(
  url: string,
  init: RequestInit = {},
): Promise<JsonAnswer<T>> {
  const response = await fetch(url, {
    ...init,
    headers: { accept: "application/json", ...(init.headers ?? {}) },
    redirect: "manual",
  });
  const text = await response.text();
  described ??= new OpenApiResponses(buildOpenApiDocument());
  described.assertConforms(
    init.method ?? "GET",
    url,
    response.status,
    response.headers.get("content-type"),
    text,
  );
  return {
    status: response.status,
    headers: response.headers,
    body: (text === "" ? {} : JSON.parse(text)) as T,
  };
}

export async function postJson<T = Record<string, unknown>>(
  url: string,
  body: unknown,
): Promise<JsonAnswer<T>> {
  return getJson<T>(url, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
}
