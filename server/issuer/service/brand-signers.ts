import type { Provider, Signer } from "ethers";
import type { Logger } from "pino";
import { decryptKeystore } from "../keystore.js";
import { SignerError } from "../errors.js";
import type { IssuerKeystoreSetting } from "../../config.js";

/**
 * The key the server signs with for each brand, decrypted once at start-up from the brand's
 * encrypted keystore (HALLMARK_ISSUER_KEYSTORES, the password from the variable it names). A
 * missing password or a wrong one stops the start-up: better than a 503 on the first mint.
 */

export async function loadBrandSigners(
  settings: ReadonlyMap<number, IssuerKeystoreSetting>,
  provider: Provider,
  logger?: Logger,
): Promise<Map<number, Signer>> {
  const signers = new Map<number, Signer>();
  for (const [brandId, setting] of settings) {
    const password = setting.password();
    if (password === undefined || password === "") {
      throw new SignerError(`No password for brand ${brandId}'s issuer keystore: set ${setting.passwordEnv}`);
    }
    const wallet = await decryptKeystore(setting.keystore, password);
    signers.set(brandId, wallet.connect(provider));
    logger?.info(
      { brand: brandId, address: wallet.address, keystore: setting.keystore },
      "issuer key loaded",
    );
  }
  return signers;
}
