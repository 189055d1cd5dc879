import { getAddress, Interface, isHexString, TypedDataEncoder, verifyTypedData } from "ethers";
import type { Signer, TypedDataField } from "ethers";
import { z } from "zod";
import type { Eip1193 } from "../chain/eip1193.js";
import { DependencyUnavailableError, ForbiddenError, InvalidInputError } from "../errors.js";
import { BRAND_ROLES } from "../issuer/contracts.js";
import type { BrandRoleName } from "../issuer/contracts.js";
import { RESTRICTED_TIERS } from "../metadata/textile-passport.js";
import type { RestrictedTier } from "../metadata/textile-passport.js";

/**
 * The EIP-712 tier credential: `PassportAccess(string tier, uint32 brandId, address holder, uint64
 * expiry)`, signed by a key that holds, on chain, a role of the brand matching the tier. It is sent
 * as `Hallmark-Passport-Credential: <base64url of {"tier", "brandId", "holder", "expiry", "signature"}>`.
 *
 * Who may sign (TIER_SIGNER_ROLES): for the legitimate-interest tier, the brand's resale partners and
 * repairers for themselves (holder = signer), or the brand admin for anyone it vouches for (a
 * recycler: the registry has no recycler role yet); for the authority tier, the brand admin only, for
 * the market-surveillance authority it names as holder (the registry has no authority role).
 */
export const PASSPORT_CREDENTIAL_HEADER = "hallmark-passport-credential";
export const PASSPORT_DOMAIN_NAME = "Hallmark Passport";
export const PASSPORT_DOMAIN_VERSION = "1";
/** A credential is short-lived: a leaked one is worth at most this long. */
export const MAX_CREDENTIAL_LIFETIME_S = 31 * 24 * 3600;

export const PASSPORT_ACCESS_TYPES = {
  PassportAccess: [
    { name: "tier", type: "string" },
    { name: "brandId", type: "uint32" },
    { name: "holder", type: "address" },
    { name: "expiry", type: "uint64" },
  ],
} satisfies Record<string, TypedDataField[]>;

export const TIER_SIGNER_ROLES: Readonly<Record<RestrictedTier, readonly BrandRoleName[]>> = {
  interest: ["resale-partner", "repairer", "brand-admin"],
  authority: ["brand-admin"],
};

export interface PassportAccessMessage {
  tier: RestrictedTier;
  brandId: number;
  holder: string;
  /** Unix seconds. */
  expiry: number;
}

export interface PassportDomain {
  name: typeof PASSPORT_DOMAIN_NAME;
  version: typeof PASSPORT_DOMAIN_VERSION;
  chainId: number;
  /** The brand registry, whose roles the credential relies on. */
  verifyingContract: string;
}

export function passportDomain(chainId: number, registryAddress: string): PassportDomain {
  return {
    name: PASSPORT_DOMAIN_NAME,
    version: PASSPORT_DOMAIN_VERSION,
    chainId,
    verifyingContract: getAddress(registryAddress),
  };
}

const CredentialHeader = z.strictObject({
  tier: z.enum(RESTRICTED_TIERS),
  brandId: z.number().int().min(1).max(0xffffffff),
  holder: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x address"),
  expiry: z.number().int().positive(),
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "must be a 65-byte 0x signature"),
});

/** Signs a credential and returns the header value (partners' tools, the demo, tests). */
export async function signPassportCredential(
  signer: Signer,
  domain: PassportDomain,
  message: PassportAccessMessage,
): Promise<string> {
  const signature = await signer.signTypedData(domain, PASSPORT_ACCESS_TYPES, message);
  return Buffer.from(JSON.stringify({ ...message, signature }), "utf8").toString("base64url");
}

export function parsePassportCredential(header: string): PassportAccessMessage & { signature: string } {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(header.trim(), "base64url").toString("utf8"));
  } catch {
    throw new InvalidInputError(`The ${PASSPORT_CREDENTIAL_HEADER} header is not base64url JSON`);
  }
  const result = CredentialHeader.safeParse(value);
  if (!result.success)
    throw new InvalidInputError(`The ${PASSPORT_CREDENTIAL_HEADER} header is not a passport credential`, {
      details: result.error.issues.map((issue) => ({
        path: `header.${PASSPORT_CREDENTIAL_HEADER}.${issue.path.join(".")}`,
        message: issue.message,
      })),
    });
  return result.data;
}

/** Reads `hasBrandRole` from the registry at the head: a role revoked a block ago no longer opens anything. */
export interface BrandRoleReader {
  hasBrandRole(brandId: number, role: BrandRoleName, account: string): Promise<boolean>;
}

const REGISTRY = new Interface([
  "function hasBrandRole(uint32 brandId, bytes32 role, address account) view returns (bool)",
]);

export class RegistryRoleReader implements BrandRoleReader {
  constructor(
    private readonly provider: Eip1193,
    private readonly registryAddress: string,
    private readonly timeoutMs = 5_000,
  ) {}

  async hasBrandRole(brandId: number, role: BrandRoleName, account: string): Promise<boolean> {
    const data = REGISTRY.encodeFunctionData("hasBrandRole", [brandId, BRAND_ROLES[role], account]);
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        this.provider.request({ method: "eth_call", params: [{ to: this.registryAddress, data }, "latest"] }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error("timed out")), this.timeoutMs);
        }),
      ]);
      if (typeof result !== "string" || !isHexString(result) || result === "0x")
        throw new Error("hasBrandRole answered no value");
      return REGISTRY.decodeFunctionResult("hasBrandRole", result)[0] === true;
    } catch (cause) {
      throw new DependencyUnavailableError(
        "Chain RPC unavailable: the brand registry's roles cannot be read",
        5,
        {
          cause,
        },
      );
    } finally {
      clearTimeout(timer);
    }
  }
}

export interface VerifiedCredential {
  tier: RestrictedTier;
  brandId: number;
  holder: string;
  signer: string;
  role: BrandRoleName;
  expiry: number;
}

/**
 * Checks a credential for a read of brand `brandId`'s passport: its form, its expiry, its brand,
 * the signature, and the signer's role on chain. Refusals are 403 with what failed (400 malformed).
 */
export async function verifyPassportCredential(
  header: string,
  expected: { brandId: number; domain: PassportDomain; nowS: number },
  roles: BrandRoleReader,
): Promise<VerifiedCredential> {
  const credential = parsePassportCredential(header);
  const { signature, ...message } = credential;
  if (credential.expiry <= expected.nowS)
    throw new CredentialExpiredError(
      `The passport credential expired at ${new Date(credential.expiry * 1000).toISOString()}`,
    );
  if (credential.expiry > expected.nowS + MAX_CREDENTIAL_LIFETIME_S)
    throw new ForbiddenError(`A passport credential may live at most 31 days; this one ends later`);
  if (credential.brandId !== expected.brandId)
    throw new ForbiddenError(
      `The passport credential is for brand ${credential.brandId}; this piece is brand ${expected.brandId}'s`,
    );
  let signer: string;
  try {
    signer = verifyTypedData(expected.domain, PASSPORT_ACCESS_TYPES, message, signature);
  } catch {
    throw new ForbiddenError("The passport credential's signature does not recover");
  }
  const holder = getAddress(credential.holder.toLowerCase());
  for (const role of TIER_SIGNER_ROLES[credential.tier]) {
    if (!(await roles.hasBrandRole(credential.brandId, role, signer))) continue;
    // A partner speaks for itself; only the brand admin vouches for another holder.
    if (role !== "brand-admin" && signer !== holder) continue;
    return {
      tier: credential.tier,
      brandId: credential.brandId,
      holder,
      signer,
      role,
      expiry: credential.expiry,
    };
  }
  throw new ForbiddenError(
    `${signer} holds no role of brand ${credential.brandId} that grants the ${credential.tier} tier${signer !== holder ? ` to ${holder}` : ""}`,
  );
}

/** An expired credential: 403 like the other refusals (the caller may not read), with its own type. */
export class CredentialExpiredError extends ForbiddenError {
  override readonly type = "credential-expired";
}

/** The typed-data hash, for logs and audits that must name a credential without repeating it. */
export function credentialDigest(domain: PassportDomain, message: PassportAccessMessage): string {
  return TypedDataEncoder.hash(domain, PASSPORT_ACCESS_TYPES, message);
}
