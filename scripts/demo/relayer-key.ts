import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import type { IssuerKeystoreSetting } from "../../server/config.js";
import { importDevKeystore, LOCAL_CHAIN_ID } from "../../server/issuer/keystore.js";

/**
 * The key `npm start` relays passkey accounts' user operations with (#17, HALLMARK_RELAYER_KEYSTORE):
 * Hardhat's public development account #15, used by nothing else in the demo, for the local chain only;
 * the password is random per run and lives only in this process.
 */
export const DEMO_RELAYER_ACCOUNT = 15;

export async function demoRelayerKeystore(dataDir: string): Promise<IssuerKeystoreSetting> {
  const keystore = path.join(dataDir, "demo-relayer-key", "relayer.json");
  await rm(path.dirname(keystore), { recursive: true, force: true });
  const password = randomBytes(18).toString("base64url");
  await importDevKeystore(keystore, password, DEMO_RELAYER_ACCOUNT, LOCAL_CHAIN_ID);
  return { keystore, passwordEnv: "(demo: generated for this run)", password: () => password };
}
