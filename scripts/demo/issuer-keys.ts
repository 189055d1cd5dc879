import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import type { IssuerKeystoreSetting } from "../../server/config.js";
import { hardhatDevAccount, importDevKeystore, LOCAL_CHAIN_ID } from "../../server/issuer/keystore.js";

/**
 * The demo brands' issuer keys as the verifier's configuration expects them (encrypted keystores),
 * so that on `npm start` the issuer API and the claim relay (POST /v1/claims: a customer without a
 * wallet claims with the code) work for the demo collection. These are Hardhat's public development
 * accounts, for the local chain only; the password is random per run and lives only in this process.
 */
export async function demoIssuerKeystores(
  dataDir: string,
  issuers: readonly { brandId: number; address: string; devAccountIndex: number }[],
): Promise<Map<number, IssuerKeystoreSetting>> {
  const directory = path.join(dataDir, "demo-issuer-keys");
  await rm(directory, { recursive: true, force: true }); // The local chain starts fresh each run; so do its keys.
  const password = randomBytes(18).toString("base64url");
  const settings = new Map<number, IssuerKeystoreSetting>();
  for (const issuer of issuers) {
    if (hardhatDevAccount(issuer.devAccountIndex).address !== issuer.address) {
      throw new Error(
        `Demo issuer of brand ${issuer.brandId} is not Hardhat dev account #${issuer.devAccountIndex}`,
      );
    }
    const keystore = path.join(directory, `brand-${issuer.brandId}-issuer.json`);
    await importDevKeystore(keystore, password, issuer.devAccountIndex, LOCAL_CHAIN_ID);
    settings.set(issuer.brandId, {
      keystore,
      passwordEnv: "(demo: generated for this run)",
      password: () => password,
    });
  }
  return settings;
}
