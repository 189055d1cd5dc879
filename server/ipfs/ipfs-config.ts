import { join } from "node:path";
import { z } from "zod";

/**
 * IPFS settings from the environment. Embedded (Helia on disk, offline) unless
 * HALLMARK_IPFS_MODE=kubo; gateways are optional read fallbacks for content not held locally.
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
      maxGatewayResponseBytes: z.coerce
        .number()
        .int()
        .positive()
        .default(256 * 1024 * 1024),
    }),
  );

export type IpfsConfig = z.output<typeof IpfsConfig>;

export function ipfsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): IpfsConfig {
  const dataDir = env.HALLMARK_DATA_DIR ?? ".hallmark";
  return IpfsConfig.parse({
    mode: env.HALLMARK_IPFS_MODE ?? "embedded",
    directory: join(dataDir, "ipfs"),
    kuboRpcUrl: env.HALLMARK_KUBO_RPC_URL,
    gateways: (env.HALLMARK_IPFS_GATEWAYS ?? "")
      .split(",")
      .map((url) => url.trim())
      .filter((url) => url !== ""),
    readTimeoutMs: env.HALLMARK_IPFS_READ_TIMEOUT_MS,
    blockTimeoutMs: env.HALLMARK_IPFS_BLOCK_TIMEOUT_MS,
    maxGatewayResponseBytes: env.HALLMARK_IPFS_MAX_RESPONSE_BYTES,
  });
}
