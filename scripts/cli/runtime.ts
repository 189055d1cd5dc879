import path from "node:path";
import { formatEther, JsonRpcProvider } from "ethers";
import type { Provider, Signer } from "ethers";
import { loadDeployments } from "../../server/chain/deployments.js";
import type { Deployments } from "../../server/chain/deployments.js";
import { createMetadataStore } from "../../server/ipfs/create-metadata-store.js";
import { ipfsConfigFromEnv } from "../../server/ipfs/ipfs-config.js";
import type { IpfsConfig } from "../../server/ipfs/ipfs-config.js";
import type { MetadataStore } from "../../server/ipfs/metadata-store.js";
import { connectHallmark } from "../../server/issuer/contracts.js";
import type { HallmarkContracts } from "../../server/issuer/contracts.js";
import { SignerError } from "../../server/issuer/errors.js";
import { hookSigner, keystoreSigner } from "../../server/issuer/keystore.js";
import type { SignerSource } from "../../server/issuer/keystore.js";
import type { GasEstimate } from "../../server/issuer/transactions.js";
import { promptSecret } from "./prompt.js";

/**
 * What every command needs, resolved lazily from flags and the environment, so a command that
 * never touches the chain (keystore create) never connects, and one that fails validation never
 * asks for a password.
 */
export interface GlobalOptions {
  rpcUrl?: string;
  deployments?: string;
  keystore?: string;
  signerModule?: string;
}

export class CliRuntime {
  private provider?: JsonRpcProvider;
  private store?: MetadataStore;
  readonly dataDir: string;

  constructor(
    private readonly options: GlobalOptions,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.dataDir = path.resolve(env.HALLMARK_DATA_DIR ?? ".hallmark");
  }

  get rpcUrl(): string {
    return this.options.rpcUrl ?? this.env.HALLMARK_RPC_URL ?? "http://127.0.0.1:8545";
  }

  get keystorePath(): string {
    const file = this.options.keystore ?? this.env.HALLMARK_KEYSTORE;
    if (!file)
      throw new SignerError("No keystore: pass --keystore or set HALLMARK_KEYSTORE (or use --signer-module)");
    return file;
  }

  get saltsFile(): string {
    return path.resolve(this.env.HALLMARK_BRAND_SALTS_FILE ?? path.join(this.dataDir, "brand-salts.json"));
  }

  /** The fleet's PostgreSQL (HALLMARK_DATABASE_URL), where API keys live when it is set. */
  get databaseUrl(): string | undefined {
    const url = this.env.HALLMARK_DATABASE_URL;
    return url === undefined || url.trim() === "" ? undefined : url;
  }

  get publicUrl(): string {
    return this.env.HALLMARK_PUBLIC_URL ?? "http://127.0.0.1:8080";
  }

  chain(): JsonRpcProvider {
    if (this.provider === undefined) {
      this.provider = new JsonRpcProvider(this.rpcUrl, undefined, {
        pollingInterval: Number(this.env.HALLMARK_POLL_INTERVAL_MS ?? 500),
        // ethers caches identical calls for 250 ms by default, which hands back a stale "pending"
        // nonce when batches follow each other quickly.
        cacheTimeout: -1,
      });
    }
    return this.provider;
  }

  async deployments(): Promise<Deployments> {
    const file = path.resolve(
      this.options.deployments ??
        this.env.HALLMARK_DEPLOYMENTS ??
        path.join(this.dataDir, "deployments.json"),
    );
    const deployments = await loadDeployments(file);
    const { chainId } = await this.chain().getNetwork();
    if (BigInt(deployments.chainId) !== chainId) {
      throw new SignerError(
        `${file} is for chain ${deployments.chainId}, but ${this.rpcUrl} is chain ${chainId}`,
      );
    }
    return deployments;
  }

  async password(confirm = false): Promise<string> {
    const fromEnv = this.env.HALLMARK_KEYSTORE_PASSWORD;
    if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
    if (!process.stdin.isTTY)
      throw new SignerError(
        "No keystore password: set HALLMARK_KEYSTORE_PASSWORD or run on a terminal to be asked",
      );
    const password = await promptSecret("Keystore password: ");
    if (confirm && (await promptSecret("Repeat the password: ")) !== password)
      throw new SignerError("The passwords differ");
    return password;
  }

  signerSource(): SignerSource {
    const module = this.options.signerModule ?? this.env.HALLMARK_SIGNER_MODULE;
    if (module) return hookSigner(module);
    return keystoreSigner(this.keystorePath, () => this.password());
  }

  async signer(): Promise<Signer> {
    return this.signerSource().connect(this.chain());
  }

  async contracts(runner?: Signer | Provider): Promise<HallmarkContracts> {
    return connectHallmark(await this.deployments(), runner ?? this.chain());
  }

  /** The IPFS settings (with the backup copy's, #19) from the environment and the data dir. */
  ipfsConfig(): IpfsConfig {
    return ipfsConfigFromEnv({ ...this.env, HALLMARK_DATA_DIR: this.dataDir });
  }

  async metadataStore(): Promise<MetadataStore> {
    this.store ??= await createMetadataStore(this.ipfsConfig());
    return this.store;
  }

  async close(): Promise<void> {
    await this.store?.close();
    this.provider?.destroy();
  }
}

export function describeEstimate(estimate: GasEstimate): string {
  return `${estimate.gas} gas × ${estimate.feePerGas} wei = ${formatEther(estimate.cost)} ETH at the current fee`;
}
