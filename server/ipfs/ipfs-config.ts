import { join } from "node:path";
import { z } from "zod";
import { InvalidInputError } from "../errors.js";

/**
 * IPFS settings: embedded (Helia on disk, offline) unless HALLMARK_IPFS names a Kubo node's RPC
 * API; gateways are optional read fallbacks for content the store does not hold.
 */
export const IpfsConfig = z
  .discriminatedUnion("mode", [
    z.object({ mode: z.literal("embedded"), directory: z.string().min(1) }),
    z.object({ mode: z.literal("kubo"), kuboRpcUrl: z.url({ protocol: /^https?$/ }) }),
  ])
  .and(
    z.object({
      gateways: z.array(z.url({ protocol: /^https?$/ })).default([]),
      readTimeoutMs: z.coerce.number().int().positive().default(10_000),
      /** Longest wait for one block of a streamed download (default readTimeoutMs). */
      blockTimeoutMs: z.coerce.number().int().positive().optional(),
      /** Largest file the /ipfs route serves. */
      maxGatewayResponseBytes: z.coerce
        .number()
        .int()
        .positive()
        .default(256 * 1024 * 1024),
      backup: z.lazy(() => BackupConfig).optional(),
    }),
  );

export type IpfsConfig = z.output<typeof IpfsConfig>;

/**
 * The backup copy (#19): a second IPFS store that receives every root the primary store keeps
 * (server/ipfs/backup). A Kubo node's RPC API, or, with a token, a pinning service speaking the
 * IPFS Pinning Service API. Its replication records live in `recordsFile` (or PostgreSQL).
 */
export const BackupConfig = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("kubo"), url: z.url({ protocol: /^https?$/ }) }),
    z.object({
      kind: z.literal("pinning-service"),
      url: z.url({ protocol: /^https?$/ }),
      token: z.string().min(1),
      origins: z.array(z.string().regex(/^\//, "a multiaddr starts with /")).default([]),
    }),
  ])
  .and(
    z.object({
      recordsFile: z.string().min(1),
      /** How often missing copies are tried again by a verifier. */
      retryMs: z.number().int().positive().default(60_000),
    }),
  );
export type BackupConfig = z.output<typeof BackupConfig>;

const HttpUrl = z.url({ protocol: /^https?$/ });
const unsetIfEmpty = (value: unknown): unknown => (value === "" ? undefined : value);
const optionalPositiveInt = z.preprocess(unsetIfEmpty, z.coerce.number().int().positive().optional());

/**
 * The IPFS environment variables, validated by name (loadConfig merges them into its own
 * schema, so a bad value stops the verifier with the variable's name).
 */
export const IPFS_ENV = {
  /** `embedded` (default) or the URL of a Kubo node's RPC API, e.g. http://127.0.0.1:5001. */
  HALLMARK_IPFS: z.preprocess(unsetIfEmpty, z.union([z.literal("embedded"), HttpUrl]).optional()),
  /** Deprecated spelling of HALLMARK_IPFS: `embedded`, or `kubo` with HALLMARK_KUBO_RPC_URL. */
  HALLMARK_IPFS_MODE: z.preprocess(unsetIfEmpty, z.enum(["embedded", "kubo"]).optional()),
  HALLMARK_KUBO_RPC_URL: z.preprocess(unsetIfEmpty, HttpUrl.optional()),
  /** Comma-separated trustless gateways. */
  HALLMARK_IPFS_GATEWAYS: z.preprocess(
    (value) =>
      typeof value === "string"
        ? value
            .split(",")
            .map((url) => url.trim())
            .filter((url) => url !== "")
        : value,
    z.array(HttpUrl).default([]),
  ),
  HALLMARK_IPFS_READ_TIMEOUT_MS: optionalPositiveInt,
  HALLMARK_IPFS_BLOCK_TIMEOUT_MS: optionalPositiveInt,
  HALLMARK_IPFS_MAX_RESPONSE_BYTES: optionalPositiveInt,
  /** The backup copy: a Kubo RPC URL, or a pinning service's API URL with HALLMARK_BACKUP_IPFS_TOKEN. */
  HALLMARK_BACKUP_IPFS: z.preprocess(unsetIfEmpty, HttpUrl.optional()),
  /** The pinning service's access token: its presence makes HALLMARK_BACKUP_IPFS a pinning service. */
  HALLMARK_BACKUP_IPFS_TOKEN: z.preprocess(unsetIfEmpty, z.string().min(1).optional()),
  /** Comma-separated multiaddrs a pinning service may fetch the blocks from. */
  HALLMARK_BACKUP_IPFS_ORIGINS: z.preprocess(
    (value) =>
      typeof value === "string"
        ? value
            .split(",")
            .map((origin) => origin.trim())
            .filter((origin) => origin !== "")
        : value,
    z.array(z.string().regex(/^\//, "a multiaddr starts with /")).default([]),
  ),
  HALLMARK_BACKUP_RETRY_MS: optionalPositiveInt,
};

/** The one rule across variables; exported for a schema that merges IPFS_ENV into its own. */
export function refineIpfsEnv(
  env: { HALLMARK_IPFS?: string; HALLMARK_IPFS_MODE?: "embedded" | "kubo"; HALLMARK_KUBO_RPC_URL?: string },
  context: z.RefinementCtx,
): void {
  if (
    env.HALLMARK_IPFS === undefined &&
    env.HALLMARK_IPFS_MODE === "kubo" &&
    env.HALLMARK_KUBO_RPC_URL === undefined
  ) {
    context.addIssue({
      code: "custom",
      path: ["HALLMARK_KUBO_RPC_URL"],
      message: "required with HALLMARK_IPFS_MODE=kubo (or set HALLMARK_IPFS to the Kubo RPC URL)",
    });
  }
}

const IpfsEnv = z.object(IPFS_ENV).superRefine(refineIpfsEnv);

export type IpfsEnv = z.output<typeof IpfsEnv>;

/** The validated variables as settings; the embedded store lives under `dataDir`/ipfs. */
export function ipfsConfigOf(env: IpfsEnv, dataDir: string): IpfsConfig {
  const kuboRpcUrl =
    env.HALLMARK_IPFS ?? (env.HALLMARK_IPFS_MODE === "kubo" ? env.HALLMARK_KUBO_RPC_URL : undefined);
  const backend =
    kuboRpcUrl === undefined || kuboRpcUrl === "embedded"
      ? { mode: "embedded" as const, directory: join(dataDir, "ipfs") }
      : { mode: "kubo" as const, kuboRpcUrl };
  const backup =
    env.HALLMARK_BACKUP_IPFS === undefined
      ? undefined
      : {
          ...(env.HALLMARK_BACKUP_IPFS_TOKEN === undefined
            ? { kind: "kubo" as const, url: env.HALLMARK_BACKUP_IPFS }
            : {
                kind: "pinning-service" as const,
                url: env.HALLMARK_BACKUP_IPFS,
                token: env.HALLMARK_BACKUP_IPFS_TOKEN,
                origins: env.HALLMARK_BACKUP_IPFS_ORIGINS,
              }),
          recordsFile: join(dataDir, "backup.sqlite"),
          retryMs: env.HALLMARK_BACKUP_RETRY_MS,
        };
  return IpfsConfig.parse({
    ...(backup === undefined ? {} : { backup }),
    ...backend,
    gateways: env.HALLMARK_IPFS_GATEWAYS,
    readTimeoutMs: env.HALLMARK_IPFS_READ_TIMEOUT_MS,
    blockTimeoutMs: env.HALLMARK_IPFS_BLOCK_TIMEOUT_MS,
    maxGatewayResponseBytes: env.HALLMARK_IPFS_MAX_RESPONSE_BYTES,
  });
}

/** IPFS settings alone (the CLI's; the verifier reads them through loadConfig); throws InvalidInputError naming each bad variable. */
export function ipfsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): IpfsConfig {
  const result = IpfsEnv.safeParse(env);
  if (!result.success) {
    const details = result.error.issues.map((issue) => ({
      path: issue.path.map(String).join("."),
      message: issue.message,
    }));
    throw new InvalidInputError(
      `Invalid configuration: ${details.map((d) => `${d.path} (${d.message})`).join(", ")}`,
      { details },
    );
  }
  return ipfsConfigOf(result.data, env.HALLMARK_DATA_DIR ?? ".hallmark");
}
