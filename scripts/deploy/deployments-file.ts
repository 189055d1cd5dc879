/**
 * The deployments file the verifier reads (server/chain/deployments.ts): written by `npm start` for its local
 * chain and by `npm run deploy` for a real one.
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { Deployments } from "../../server/chain/deployments.js";

/**
 * Writes `{chainId, startBlock, contracts}` to `file`, checked against the schema the verifier loads it with.
 * The file is replaced in one step (write beside it, then rename), so a verifier starting meanwhile never
 * reads half of it.
 */
export async function writeDeploymentsFile(file: string, deployments: Deployments): Promise<void> {
  const checked = Deployments.parse(deployments);
  await mkdir(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, JSON.stringify(checked, null, 2) + "\n");
  await rename(partial, file);
}
