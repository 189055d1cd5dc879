/**
 * Where the Hallmark contracts live: the deployments file written by scripts/start.ts (and by
 * deployment scripts for real chains), `.hallmark/deployments.json` by default.
 */
import { readFile } from "node:fs/promises";
import { getAddress } from "ethers";
import { z } from "zod";
import { InvalidInputError } from "../errors.js";

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "an address")
  .transform((value) => getAddress(value.toLowerCase()));

export const Deployments = z.object({
  chainId: z.number().int().positive(),
  /** First block to index (the block the contracts were deployed at, or before). */
  startBlock: z.number().int().nonnegative(),
  contracts: z.object({
    BrandRegistry: address,
    HallmarkCertificate: address,
    HallmarkGarments: address,
    // Passkey accounts (issue #17): absent from a deployment made before them; the passkey routes need all three.
    EntryPoint: address.optional(),
    HallmarkPasskeyAccountFactory: address.optional(),
    HallmarkPaymaster: address.optional(),
  }),
});

export type Deployments = z.output<typeof Deployments>;

/** Reads and validates a deployments file. */
export async function loadDeployments(file: string): Promise<Deployments> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    throw new InvalidInputError(
      `The deployments file ${file} does not exist: set HALLMARK_DEPLOYMENTS to the file npm run deploy (or npm start) wrote`,
      { cause: error },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`The deployments file ${file} (HALLMARK_DEPLOYMENTS) is not JSON`, {
      cause: error,
    });
  }
  const deployments = Deployments.safeParse(parsed);
  if (!deployments.success)
    throw new InvalidInputError(
      `The deployments file ${file} (HALLMARK_DEPLOYMENTS) is not {chainId, startBlock, contracts}: ${deployments.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`,
    );
  return deployments.data;
}
