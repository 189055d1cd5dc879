import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { InvalidInputError } from "./errors.js";
import { INDEXER_ENV } from "./indexer/config.js";
import { IPFS_ENV, ipfsConfigOf, refineIpfsEnv } from "./ipfs/ipfs-config.js";
import type { IpfsConfig } from "./ipfs/ipfs-config.js";
import type { RelayFees } from "./passkeys/passkey-chain.js";
import { BrandSaltSetting, saltOf, serialRuleOf } from "./verification/serial-rule.js";
import type { SerialRule } from "./verification/serial-rule.js";

/**
 * The verifier's settings, from the environment, validated once at start-up. Every variable is
 * documented in `.env.example`; a bad value stops the process with the variable's name rather
 * than surfacing later as an odd request failure.
 */

const BrandIdKey = z.string().regex(/^[1-9][0-9]{0,9}$/, "expected a brand id (1..2^32-1)");

/**
 * `{"1": "0x…", "2": {"salt": "0x…", "serial": {"ignoreCase": true, "ignore": " -"}}}`: the salt each
 * brand hashes its serials with, and the rule its serials are compared by (server/verification/serial-rule.ts).
 */
const BrandSalts = z.record(BrandIdKey, BrandSaltSetting);
/** `{"08012345": 1}`: GS1 company prefix (the GTIN's leading digits, without the check digit) → brand id. */
const Gs1Prefixes = z.record(
  z.string().regex(/^[0-9]{4,13}$/, "expected 4-13 digits"),
  z.coerce.number().int().min(1).max(0xffffffff),
);

function jsonObject(name: string) {
  return z
    .string()
    .optional()
    .transform((text, context) => {
      if (text === undefined || text.trim() === "") return {};
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: "custom", message: `${name} is not JSON` });
        return z.NEVER;
      }
    });
}

/**
 * `{"1": {"keystore": "keys/brand-1-issuer.json", "passwordEnv": "HALLMARK_ISSUER_PASSWORD_1"}}`:
 * the encrypted keystore the issuer API signs with for each brand, and the variable holding its
 * password (the password itself never sits in this JSON).
 */
const IssuerKeystores = z.record(
  BrandIdKey,
  z
    .object({
      keystore: z.string().min(1),
      passwordEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "expected an environment variable name"),
    })
    .strict(),
);

/**
 * `{"1": {"keystore": "keys/brand-1-tags.json", "passwordEnv": "HALLMARK_TAG_PASSWORD_1"}}`: each
 * brand's NTAG 424 tag master keys (server/tags/tag-keystore.ts), decrypted at start to verify taps.
 */
const TagKeystores = IssuerKeystores;

/**
 * `{"keystore": "keys/relayer.json", "passwordEnv": "HALLMARK_RELAYER_PASSWORD"}`: the key the verifier
 * relays passkey accounts' user operations with (docs/passkeys.md); `{}` or unset: none are relayed.
 */
const RelayerKeystore = z.union([
  z.strictObject({}),
  z
    .object({
      keystore: z.string().min(1),
      passwordEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "expected an environment variable name"),
    })
    .strict(),
]);

/**
 * `{"1": {"keystore": "keys/brand-1-passport.json", "passwordEnv": "HALLMARK_PASSPORT_PASSWORD_1"}}`:
 * each brand's passport content keys (server/passport/passport-keystore.ts), decrypted at start to
 * open restricted passport sections for callers who prove their tier.
 */
const PassportKeystores = IssuerKeystores;

/** Unset and empty both mean "not configured" (an `.env` line `X=` should not count as a value). */
const optionalText = z
  .string()
  .optional()
  .transform((text) => (text === undefined || text.trim() === "" ? undefined : text.trim()));

const postgresUrl = optionalText.refine(
  (url) => url === undefined || /^postgres(ql)?:\/\/./.test(url),
  "expected a postgres:// URL",
);

/**
 * What one process does (docs/scaling.md): `all` indexes and answers (one machine, the default);
 * `indexer` only writes the index (one leader at a time, the others stand by) and answers only
 * /healthz and /readyz; `api` only answers, from the index in PostgreSQL, and never writes it.
 */
export type VerifierRole = "all" | "indexer" | "api";

const Env = z
  .object({
    HALLMARK_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    HALLMARK_HOST: z.string().min(1).default("127.0.0.1"),
    HALLMARK_DATA_DIR: z.string().min(1).default(".hallmark"),
    HALLMARK_RPC_URL: z.url({ protocol: /^https?$/ }).optional(),
    HALLMARK_RPC_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
    HALLMARK_DEPLOYMENTS: z.string().min(1).optional(),
    ...IPFS_ENV,
    HALLMARK_BRAND_SALTS: jsonObject("HALLMARK_BRAND_SALTS").pipe(BrandSalts),
    HALLMARK_BRAND_SALTS_FILE: optionalText,
    HALLMARK_GS1_PREFIXES: jsonObject("HALLMARK_GS1_PREFIXES").pipe(Gs1Prefixes),
    HALLMARK_CONFIRMATIONS: z.coerce.number().int().min(0).max(1_000).default(2),
    HALLMARK_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(1_000),
    HALLMARK_FINALITY_DEPTH: INDEXER_ENV.HALLMARK_FINALITY_DEPTH,
    HALLMARK_LOG_RANGE: INDEXER_ENV.HALLMARK_LOG_RANGE,
    HALLMARK_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
    HALLMARK_PARTNER_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(6_000),
    HALLMARK_ANSWER_CACHE_MB: z.coerce.number().min(0).max(16_384).default(64),
    HALLMARK_TRUST_PROXY: z
      .enum(["true", "false"])
      .default("false")
      .transform((value) => value === "true"),
    HALLMARK_LOG_LEVEL: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
      .default("info"),
    HALLMARK_ISSUER_KEYSTORES: jsonObject("HALLMARK_ISSUER_KEYSTORES").pipe(IssuerKeystores),
    HALLMARK_TAG_KEYSTORES: jsonObject("HALLMARK_TAG_KEYSTORES").pipe(TagKeystores),
    // Passkey accounts (#17): the key that sends handleOps for customers' sponsored operations.
    HALLMARK_RELAYER_KEYSTORE: jsonObject("HALLMARK_RELAYER_KEYSTORE").pipe(RelayerKeystore),
    // Passkey accounts (#17): "none" relays at a zero fee (the relayer is the brand group's own wallet), "reimburse"
    // has the EntryPoint pay the relayer back from the paymaster's deposit (docs/passkeys.md, "What the brand pays").
    HALLMARK_RELAY_FEES: z.enum(["none", "reimburse"]).default("none"),
    HALLMARK_PASSPORT_KEYSTORES: jsonObject("HALLMARK_PASSPORT_KEYSTORES").pipe(PassportKeystores),
    HALLMARK_ISSUER_CONFIRMATIONS: z.coerce.number().int().min(0).max(1_000).default(1),
    HALLMARK_ISSUER_MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(32 * 1024 * 1024),
    HALLMARK_ISSUER_MAX_MEDIA_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(64 * 1024 * 1024),
    HALLMARK_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    HALLMARK_ROLE: z.enum(["all", "indexer", "api"]).default("all"),
    // Reachability is checked by openDatabase at start (it names the variable); here the form.
    HALLMARK_DATABASE_URL: postgresUrl,
    HALLMARK_DATABASE_READ_URL: postgresUrl,
  })
  .superRefine(refineIpfsEnv)
  .superRefine((env, context) => {
    // An api process never writes the index: without a shared database it would serve nothing.
    if (env.HALLMARK_ROLE === "api" && env.HALLMARK_DATABASE_URL === undefined) {
      context.addIssue({
        code: "custom",
        path: ["HALLMARK_ROLE"],
        message:
          "HALLMARK_ROLE=api reads the index an indexer writes into PostgreSQL: set HALLMARK_DATABASE_URL (or use HALLMARK_ROLE=all for one process on sqlite)",
      });
    }
    if (env.HALLMARK_DATABASE_READ_URL !== undefined && env.HALLMARK_DATABASE_URL === undefined) {
      context.addIssue({
        code: "custom",
        path: ["HALLMARK_DATABASE_READ_URL"],
        message: "a read replica needs its primary: set HALLMARK_DATABASE_URL too",
      });
    }
  });

/** A brand's issuer keystore; the password is read from `passwordEnv` when the key is loaded. */
export interface IssuerKeystoreSetting {
  keystore: string;
  passwordEnv: string;
  password(): string | undefined;
}

export interface VerifierConfig {
  port: number;
  host: string;
  dataDir: string;
  /** JSON-RPC endpoint; undefined means the caller supplies an EIP-1193 provider (the local chain). */
  rpcUrl?: string;
  rpcTimeoutMs: number;
  /** Path of the deployments file written by deployment (`{ chainId, startBlock, contracts }`). */
  deploymentsFile: string;
  /** SQLite index file under the data dir (when no database URL is set). */
  indexFile: string;
  ipfs: IpfsConfig;
  brandSalts: ReadonlyMap<number, string>;
  /** How each brand's serials are compared, from the same setting (absent: exact). */
  serialRules: ReadonlyMap<number, SerialRule>;
  /** GS1 company prefix → brand id, longest prefix wins. */
  gs1Prefixes: ReadonlyMap<string, number>;
  confirmations: number;
  /** Depth within which the indexer keeps block hashes to roll back a reorg; undefined: the Indexer's default (12, 0 locally). */
  finalityDepth?: number;
  /** Largest eth_getLogs block range; undefined: the Indexer's default (2,000). */
  logRange?: number;
  pollIntervalMs: number;
  rateLimitPerMinute: number;
  /** Requests per minute per partner key (HALLMARK_PARTNER_RATE_LIMIT_PER_MINUTE, default 6,000). */
  partnerRateLimitPerMinute: number;
  /** Bytes of serialised hot answers kept (server/api/answer-cache.ts); 0 turns the cache off. */
  answerCacheBytes: number;
  trustProxy: boolean;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** The issuer API's signing key per brand (brands without one answer 503 on their issuer routes). */
  issuerKeystores: ReadonlyMap<number, IssuerKeystoreSetting>;
  /** Each brand's NTAG 424 tag keystore (HALLMARK_TAG_KEYSTORES), loaded by processes that verify taps. */
  tagKeystores: ReadonlyMap<number, IssuerKeystoreSetting>;
  /** The key that relays passkey accounts' user operations (HALLMARK_RELAYER_KEYSTORE); undefined: none relayed. */
  relayerKeystore?: IssuerKeystoreSetting;
  /** Passkey operations' fees (HALLMARK_RELAY_FEES): "none" (zero, the default) or "reimburse" (the network's). */
  relayFees: RelayFees;
  /** Registered passkeys without a database: `<data dir>/passkeys.sqlite`. */
  passkeyCredentialsFile: string;
  /** Each brand's passport content keystore (HALLMARK_PASSPORT_KEYSTORES): restricted passport tiers. */
  passportKeystores: ReadonlyMap<number, IssuerKeystoreSetting>;
  /** Confirmations the issuer API waits for per transaction (default 1). */
  issuerConfirmations: number;
  issuerMaxBodyBytes: number;
  /** Largest picture or model one media upload may send (default 64 MiB). */
  issuerMaxMediaBytes: number;
  /** NTAG 424 tap counters without a database: `<data dir>/tags.sqlite`. */
  tagCountersFile: string;
  /** API keys and the audit trail: `<data dir>/issuer.sqlite`. */
  issuerDatabaseFile: string;
  /** The verifier's public address, for claim URLs (default http://host:port). */
  publicUrl?: string;
  /** What this process does (HALLMARK_ROLE, default all). */
  role: VerifierRole;
  /**
   * PostgreSQL shared by every process of a deployment (HALLMARK_DATABASE_URL): the index, challenges,
   * claim relay locks, issuer API keys and audit, mint jobs. Undefined: the sqlite files under dataDir
   * and this process's memory, as a single machine needs.
   */
  databaseUrl?: string;
  /** A streaming hot standby that `api` processes read the index from (HALLMARK_DATABASE_READ_URL). */
  databaseReadUrl?: string;
}

/**
 * The salts file `hallmark brand add` writes (`{"3": "0x…"}`): HALLMARK_BRAND_SALTS_FILE, else
 * `<data dir>/brand-salts.json` when it exists (the CLI's default, so a brand working in the verifier's
 * folder needs no variable). HALLMARK_BRAND_SALTS, when set, wins brand by brand.
 */
function readBrandSaltsFile(
  named: string | undefined,
  dataDir: string,
): Record<string, z.output<typeof BrandSaltSetting>> {
  const file = path.resolve(named ?? path.join(dataDir, "brand-salts.json"));
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" && named === undefined) return {};
    throw new InvalidInputError(
      `Invalid configuration: HALLMARK_BRAND_SALTS_FILE (${file} cannot be read: ${(error as Error).message})`,
      { details: [{ path: "HALLMARK_BRAND_SALTS_FILE", message: `${file} cannot be read` }] },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const salts = BrandSalts.safeParse(parsed);
  if (!salts.success)
    throw new InvalidInputError(
      `Invalid configuration: HALLMARK_BRAND_SALTS_FILE (${file} is not {"<brand id>": "0x<32 bytes>" or {"salt": "0x…", "serial": {…}}})`,
      { details: [{ path: "HALLMARK_BRAND_SALTS_FILE", message: `${file} is not a salts file` }] },
    );
  return salts.data;
}

/** Parses the environment into settings; throws InvalidInputError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): VerifierConfig {
  const result = Env.safeParse(env);
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
  const e = result.data;
  const dataDir = path.resolve(e.HALLMARK_DATA_DIR);
  const ipfs = ipfsConfigOf(e, dataDir);
  const brandSalts = new Map<number, string>();
  const serialRules = new Map<number, SerialRule>();
  for (const [brand, setting] of [
    ...Object.entries(readBrandSaltsFile(e.HALLMARK_BRAND_SALTS_FILE, dataDir)),
    ...Object.entries(e.HALLMARK_BRAND_SALTS),
  ]) {
    brandSalts.set(Number(brand), saltOf(setting));
    serialRules.set(Number(brand), serialRuleOf(setting));
  }
  return {
    port: e.HALLMARK_PORT,
    host: e.HALLMARK_HOST,
    dataDir,
    rpcUrl: e.HALLMARK_RPC_URL,
    rpcTimeoutMs: e.HALLMARK_RPC_TIMEOUT_MS,
    deploymentsFile: path.resolve(e.HALLMARK_DEPLOYMENTS ?? path.join(dataDir, "deployments.json")),
    indexFile: path.join(dataDir, "index.sqlite"),
    databaseUrl: e.HALLMARK_DATABASE_URL,
    ipfs,
    brandSalts,
    serialRules,
    gs1Prefixes: new Map(Object.entries(e.HALLMARK_GS1_PREFIXES)),
    confirmations: e.HALLMARK_CONFIRMATIONS,
    finalityDepth: e.HALLMARK_FINALITY_DEPTH,
    logRange: e.HALLMARK_LOG_RANGE,
    pollIntervalMs: e.HALLMARK_POLL_INTERVAL_MS,
    rateLimitPerMinute: e.HALLMARK_RATE_LIMIT_PER_MINUTE,
    partnerRateLimitPerMinute: e.HALLMARK_PARTNER_RATE_LIMIT_PER_MINUTE,
    answerCacheBytes: Math.floor(e.HALLMARK_ANSWER_CACHE_MB * 1024 * 1024),
    trustProxy: e.HALLMARK_TRUST_PROXY,
    logLevel: e.HALLMARK_LOG_LEVEL,
    issuerKeystores: new Map(
      Object.entries(e.HALLMARK_ISSUER_KEYSTORES).map(([brand, setting]) => [
        Number(brand),
        {
          keystore: path.resolve(setting.keystore),
          passwordEnv: setting.passwordEnv,
          password: () => env[setting.passwordEnv],
        },
      ]),
    ),
    tagKeystores: new Map(
      Object.entries(e.HALLMARK_TAG_KEYSTORES).map(([brand, setting]) => [
        Number(brand),
        {
          keystore: path.resolve(setting.keystore),
          passwordEnv: setting.passwordEnv,
          password: () => env[setting.passwordEnv],
        },
      ]),
    ),
    relayerKeystore:
      "keystore" in e.HALLMARK_RELAYER_KEYSTORE
        ? {
            keystore: path.resolve(e.HALLMARK_RELAYER_KEYSTORE.keystore),
            passwordEnv: e.HALLMARK_RELAYER_KEYSTORE.passwordEnv,
            password: () => env[(e.HALLMARK_RELAYER_KEYSTORE as { passwordEnv: string }).passwordEnv],
          }
        : undefined,
    relayFees: e.HALLMARK_RELAY_FEES,
    passkeyCredentialsFile: path.join(dataDir, "passkeys.sqlite"),
    passportKeystores: new Map(
      Object.entries(e.HALLMARK_PASSPORT_KEYSTORES).map(([brand, setting]) => [
        Number(brand),
        {
          keystore: path.resolve(setting.keystore),
          passwordEnv: setting.passwordEnv,
          password: () => env[setting.passwordEnv],
        },
      ]),
    ),
    issuerConfirmations: e.HALLMARK_ISSUER_CONFIRMATIONS,
    issuerMaxBodyBytes: e.HALLMARK_ISSUER_MAX_BODY_BYTES,
    issuerMaxMediaBytes: e.HALLMARK_ISSUER_MAX_MEDIA_BYTES,
    issuerDatabaseFile: path.join(dataDir, "issuer.sqlite"),
    tagCountersFile: path.join(dataDir, "tags.sqlite"),
    publicUrl: e.HALLMARK_PUBLIC_URL,
    role: e.HALLMARK_ROLE,
    databaseReadUrl: e.HALLMARK_DATABASE_READ_URL,
  };
}
