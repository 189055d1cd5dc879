import path from "node:path";
import { Writable } from "node:stream";
import { ethers as ethersLib } from "ethers";
import { pino } from "pino";
import { loadConfig } from "../../../../server/config.js";
import { EmbeddedMetadataStore } from "../../../../server/ipfs/embedded-store.js";
import type { IssuerScope } from "../../../../server/issuer/auth/scopes.js";
import { hardhatDevAccount, writeKeystore } from "../../../../server/issuer/keystore.js";
import { startVerifier } from "../../../../server/main.js";
import { connection, deployHallmark, ethers, ROLE } from "../../../contracts/fixtures.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { getJson } from "../../api/stack.js";
import type { JsonAnswer } from "../../api/stack.js";

/**
 * The real stack for issuer API tests: the EDR chain with the contracts and two brands, Helia in
 * a temp dir, the sqlite index and indexer (driven by `sync()`), the issuer database under the
 * data dir, and the HTTP server. Brand 1 has an issuer key configured (Hardhat account 2, the
 * fixtures' issuerA, also made brand admin and approved by the vault); brand 2 has none.
 */
export const SALT_1 = ethersLib.id("issuer-api-test-salt-brand-1");
export const SALT_2 = ethersLib.id("issuer-api-test-salt-brand-2");
const PASSWORD = "issuer-test-password";
/** The stack's media upload limit: small, so a test can pass it. */
export const MEDIA_LIMIT_BYTES = 1024 * 1024;

export type IssuerStack = Awaited<ReturnType<typeof buildIssuerStack>>;

export async function buildIssuerStack() {
  const fx = await deployHallmark();
  const garments = await ethers.deployContract("HallmarkGarments", [
    await fx.registry.getAddress(),
    await fx.certificate.getAddress(),
  ]);
  await (await fx.certificate.setTwinContract(await garments.getAddress())).wait();
  const issuerWallet = hardhatDevAccount(2);
  if (issuerWallet.address !== fx.issuerA.address)
    throw new Error("Hardhat account 2 is not the fixtures' issuerA");
  // One key signs every brand-1 action: issuer (mint, sale events), brand admin (revoke,
  // restore), and operator of the vault (claim keys on unclaimed certificates).
  await (
    await fx.registry.connect(fx.groupAdmin).grantBrandRole(fx.brandA, ROLE.BRAND_ADMIN, fx.issuerA.address)
  ).wait();
  await (await fx.certificate.connect(fx.vaultA).setApprovalForAll(fx.issuerA.address, true)).wait();

  const temp = await makeTempDir("issuer-api");
  const keystore = path.join(temp.path, "keys", "brand-1-issuer.json");
  await writeKeystore(keystore, issuerWallet, PASSWORD, { scryptN: 1 << 12 });
  const metadataStore = await EmbeddedMetadataStore.open({ directory: path.join(temp.path, "ipfs") });
  const { chainId } = await ethers.provider.getNetwork();
  const deployments = {
    chainId: Number(chainId),
    startBlock: 0,
    contracts: {
      BrandRegistry: await fx.registry.getAddress(),
      HallmarkCertificate: await fx.certificate.getAddress(),
      HallmarkGarments: await garments.getAddress(),
    },
  };
  const config = loadConfig({
    HALLMARK_PORT: "0",
    HALLMARK_DATA_DIR: temp.path,
    HALLMARK_BRAND_SALTS: JSON.stringify({ "1": SALT_1, "2": SALT_2 }),
    HALLMARK_CONFIRMATIONS: "0",
    HALLMARK_RATE_LIMIT_PER_MINUTE: "1000000",
    HALLMARK_LOG_LEVEL: "info",
    HALLMARK_PUBLIC_URL: "https://verify.example.test",
    HALLMARK_ISSUER_MAX_MEDIA_BYTES: String(MEDIA_LIMIT_BYTES),
    HALLMARK_ISSUER_KEYSTORES: JSON.stringify({ "1": { keystore, passwordEnv: "TEST_ISSUER_PASSWORD_1" } }),
    TEST_ISSUER_PASSWORD_1: PASSWORD,
  });
  // Every log line, to check that no key secret or claim code is ever logged.
  const logLines: string[] = [];
  const logger = pino(
    { level: "info" },
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logLines.push(chunk.toString());
        callback();
      },
    }),
  );
  const verifier = await startVerifier({
    config,
    provider: connection.provider,
    deployments,
    metadataStore,
    indexLocation: ":memory:",
    handleSignals: false,
    startIndexer: false,
    logger,
  });
  const { issuer } = verifier;

  /** Lets the indexer catch up with the chain. */
  async function sync(): Promise<void> {
    for (let i = 0; i < 5; i++) {
      const result = await verifier.indexer!.runOnce();
      if (result.toBlock >= result.headBlock) return;
    }
  }

  /** Every full key created, to check that none reaches a log line. */
  const createdKeys: string[] = [];
  async function createKey(brandId: number, scopes: IssuerScope[]): Promise<string> {
    const { key } = await issuer.keys.create({ brandId, scopes, label: "test" });
    createdKeys.push(key);
    return key;
  }

  /** A call to the issuer API with `key` as bearer (or a raw Authorization value). */
  async function call<T = Record<string, unknown>>(
    method: "GET" | "POST",
    route: string,
    options: { key?: string; authorization?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<JsonAnswer<T>> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.authorization !== undefined) headers.authorization = options.authorization;
    else if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    return getJson<T>(`${verifier.url}${route}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  }

  /** A raw-body upload (the media route), from bytes or a stream sent chunked without a Content-Length. */
  async function upload<T = Record<string, unknown>>(
    route: string,
    content: Uint8Array | ReadableStream<Uint8Array>,
    options: { key?: string; contentType?: string } = {},
  ): Promise<JsonAnswer<T>> {
    const headers: Record<string, string> = {};
    if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
    if (options.contentType !== undefined) headers["content-type"] = options.contentType;
    const init: RequestInit & { duplex?: "half" } = {
      method: "POST",
      headers,
      body: content as RequestInit["body"],
    };
    if (content instanceof ReadableStream) init.duplex = "half";
    return getJson<T>(`${verifier.url}${route}`, init);
  }

  async function close(): Promise<void> {
    await verifier.close();
    await metadataStore.close();
    await temp.remove();
  }

  return {
    ...fx,
    garments,
    verifier,
    issuer,
    metadataStore,
    deployments,
    url: verifier.url,
    dataDir: temp.path,
    logLines,
    createdKeys,
    sync,
    createKey,
    call,
    upload,
    close,
  };
}

/** A tiny picture for manifest rows, sent inline. */
export const PICTURE = {
  path: "photos/bag.svg",
  contentBase64: Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4" fill="#a52"/></svg>',
  ).toString("base64"),
};

/** Manifest rows in the JSON form of docs/brands.md (the columns of a CSV export). */
export function manifestRows(count: number, prefix: string): Record<string, string>[] {
  return Array.from({ length: count }, (_, i) => ({
    serial: `${prefix}-${String(i + 1).padStart(4, "0")}`,
    productName: "Sac Aurelle",
    modelReference: "AU-25",
    materials: "Calfskin:85;Brass:15",
    manufactureCountry: "IT",
    manufactureDate: "2025-03",
    care: "Dry cloth",
    images: PICTURE.path,
  }));
}

export const SALE_DETAILS = {
  schema: "hallmark.provenance-details.v1",
  kind: "sold",
  actor: { name: "Boutique Paris", role: "retailer" },
  date: "2025-05-04T11:00:00Z",
};

/** Polls a mint job until it ends. */
export async function waitForJob(
  stack: IssuerStack,
  key: string,
  location: string,
  timeoutMs = 60_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await stack.call<{ job: Record<string, unknown> }>("GET", location, { key });
    if (status !== 200) throw new Error(`GET ${location} answered ${status}: ${JSON.stringify(body)}`);
    if (body.job.status === "succeeded" || body.job.status === "failed") return body.job;
    if (Date.now() > deadline) throw new Error(`job still ${String(body.job.status)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
