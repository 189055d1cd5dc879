import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { AuthenticationError, NotFoundError } from "../../errors.js";
import { isApiKeyScope, PARTNER_SCOPE } from "./scopes.js";
import type { ApiKeyScope, IssuerScope, PassportScope } from "./scopes.js";

/** The brand id a partner key is stored with: none (brands are numbered from 1). */
export const PARTNER_BRAND_ID = 0;

/**
 * Issuer API keys: `hmk_<id>_<secret>`, the id 16 hex digits (public: logs and the audit name
 * it), the secret 32 random bytes in hex. Only sha256(secret) is stored: the secret has 256 bits
 * of entropy, so a slow password hash would add nothing. Comparison is constant-time.
 */
export interface ApiKey {
  id: string;
  /** The brand the key acts for; PARTNER_BRAND_ID (0) for a partner key, which acts for none. */
  brandId: number;
  scopes: ApiKeyScope[];
  label: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface CreatedApiKey extends ApiKey {
  /** The full key, shown once: it is not stored and cannot be recovered. */
  key: string;
}

const KEY_FORMAT = /^hmk_([0-9a-f]{16})_([0-9a-f]{64})$/;
const REALM = 'Bearer realm="hallmark-issuer"';

/** A key as stored: what ApiKeyRecords keep (sqlite issuer.sqlite, or PostgreSQL in a fleet). */
export interface ApiKeyRecord {
  id: string;
  brand_id: number;
  /** Comma-separated. */
  scopes: string;
  label: string;
  secret_sha256: string;
  /** ISO 8601 times. */
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

/**
 * Where keys are kept: `<data dir>/issuer.sqlite` on one machine (SqliteApiKeyRecords), PostgreSQL
 * when a database is configured (server/store/postgres/issuer-records.ts), so that a key made by
 * the CLI or on one verifier works on every verifier. The rules (format, hashing, constant-time
 * comparison, revocation) are ApiKeyStore's, written once above either.
 */
export interface ApiKeyRecords {
  insert(record: ApiKeyRecord): Promise<void>;
  get(id: string): Promise<ApiKeyRecord | undefined>;
  /** Oldest first (created_at, then id); every brand's when `brandId` is undefined. */
  list(brandId?: number): Promise<ApiKeyRecord[]>;
  /** Sets revoked_at unless it is set already. */
  revoke(id: string, at: string): Promise<void>;
  markUsed(id: string, at: string): Promise<void>;
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

function toApiKey(row: ApiKeyRecord): ApiKey {
  return {
    id: row.id,
    brandId: Number(row.brand_id),
    scopes: row.scopes.split(",").filter(isApiKeyScope),
    label: row.label,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

export class ApiKeyStore {
  constructor(
    private readonly records: ApiKeyRecords,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(options: {
    brandId: number;
    scopes: readonly IssuerScope[];
    label?: string;
  }): Promise<CreatedApiKey> {
    if (!Number.isInteger(options.brandId) || options.brandId < 1 || options.brandId > 0xffffffff)
      throw new RangeError("A brand id is 1..2^32-1");
    if (options.scopes.length === 0) throw new RangeError("A key needs at least one scope");
    return this.insert(options.brandId, options.scopes, options.label);
  }

  /**
   * A resale partner's key: hashed, listed, revoked and audited as issuer keys are, in the same
   * store; it reads the verifier API on the partner rate budget and opens no issuer route.
   */
  async createPartner(
    options: { label?: string; passportScopes?: readonly PassportScope[] } = {},
  ): Promise<CreatedApiKey> {
    return this.insert(PARTNER_BRAND_ID, [PARTNER_SCOPE, ...(options.passportScopes ?? [])], options.label);
  }

  private async insert(
    brandId: number,
    requested: readonly ApiKeyScope[],
    label: string | undefined,
  ): Promise<CreatedApiKey> {
    const options = { brandId, scopes: requested, label };
    const id = randomBytes(8).toString("hex");
    const secret = randomBytes(32).toString("hex");
    const createdAt = this.now().toISOString();
    const scopes = [...new Set(options.scopes)];
    await this.records.insert({
      id,
      brand_id: options.brandId,
      scopes: scopes.join(","),
      label: options.label ?? "",
      secret_sha256: sha256Hex(secret),
      created_at: createdAt,
      revoked_at: null,
      last_used_at: null,
    });
    return {
      id,
      brandId: options.brandId,
      scopes,
      label: options.label ?? "",
      createdAt,
      revokedAt: null,
      lastUsedAt: null,
      key: `hmk_${id}_${secret}`,
    };
  }

  /** Revokes a key at once (the next request with it gets 401). Idempotent. */
  async revoke(id: string): Promise<ApiKey> {
    const row = await this.records.get(id);
    if (row === undefined) throw new NotFoundError(`No API key ${id}`);
    if (row.revoked_at === null) await this.records.revoke(id, this.now().toISOString());
    return toApiKey((await this.records.get(id))!);
  }

  async list(brandId?: number): Promise<ApiKey[]> {
    return (await this.records.list(brandId)).map(toApiKey);
  }

  /**
   * The key an `Authorization` header presents. Throws AuthenticationError (401) when it is
   * missing, malformed, unknown, wrong or revoked; `keyId` on the error names a well-formed key's
   * id so the audit can say who tried. Writes nothing: a key is only marked used (`markUsed`) once
   * the call it presents has passed the brand and scope checks and was not refused.
   */
  async authenticate(authorization: string | undefined): Promise<ApiKey> {
    if (authorization === undefined || authorization.trim() === "") {
      throw new AuthenticationError("An issuer API key is required: Authorization: Bearer hmk_…", REALM);
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization.trim());
    const parsed = match === null ? null : KEY_FORMAT.exec(match[1]);
    if (parsed === null) {
      throw new AuthenticationError(
        "The Authorization header is not Bearer hmk_<id>_<secret>",
        `${REALM}, error="invalid_request"`,
      );
    }
    const [, id, secret] = parsed;
    const row = await this.records.get(id);
    // Hash and compare even for an unknown id, so timing does not tell which ids exist.
    const expected = Buffer.from(row?.secret_sha256 ?? "0".repeat(64), "hex");
    const presented = Buffer.from(sha256Hex(secret), "hex");
    const matches = timingSafeEqual(expected, presented) && row !== undefined;
    if (!matches)
      throw Object.assign(
        new AuthenticationError("Unknown or wrong API key", `${REALM}, error="invalid_token"`),
        { keyId: id },
      );
    if (row.revoked_at !== null)
      throw Object.assign(
        new AuthenticationError("This API key was revoked", `${REALM}, error="invalid_token"`),
        { keyId: id },
      );
    return toApiKey(row);
  }

  /** Records that a call used the key (an authorized one, never a refused one). */
  async markUsed(key: ApiKey): Promise<ApiKey> {
    const usedAt = this.now().toISOString();
    await this.records.markUsed(key.id, usedAt);
    return { ...key, lastUsedAt: usedAt };
  }
}
