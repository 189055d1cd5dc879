/**
 * The fleet benchmark's freshness flips and probes in a process of their own. The benchmark's main
 * process hosts the in-process chain, its JSON-RPC bridge and bench:api's whole population; its heap
 * (about 300 MiB live) pauses for garbage collection for 50 to 200 ms every few seconds. Probes running
 * there stopped with it, and a flip measured across such a pause was that pause, not the fleet. Here
 * the flips are sent over the chain's JSON-RPC endpoint, as any client's, and the probes run in a small
 * heap. Started by `startFlipProcess`; it answers each flip's timings when done.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Interface } from "ethers";
import pg from "pg";

/** A flip's stages, each timed from the block's mining. */
export type Stage = "head" | "primary" | "standby" | "first" | "all";

export interface FlipPlan {
  rpcUrl: string;
  certificate: string;
  /** A brand admin of the certificates' brand (an account the chain's node holds the key of). */
  admin: string;
  tokens: string[];
  flips: number;
  verifiers: { name: string; url: string }[];
  primaryUrl: string;
  standbyUrl: string;
  /** How often each verifier and each database is asked during a flip (ms). */
  probeMs: number;
}

export interface FlipResults {
  /** From the send's return (the chain mines on send) to every verifier answering the new status. */
  freshness: number[];
  stages: Record<Stage, number[]>;
}

/** Runs the flips in a child process and answers their timings. */
export async function runFlipProcess(plan: FlipPlan): Promise<FlipResults> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  try {
    return await new Promise<FlipResults>((resolve, reject) => {
      child.once("message", (reply: FlipResults | { error: string }) =>
        "error" in reply ? reject(new Error(`the flip process failed: ${reply.error}`)) : resolve(reply),
      );
      child.once("exit", (code) => reject(new Error(`the flip process exited (code ${code})`)));
      child.send(plan);
    });
  } finally {
    if (child.connected) child.disconnect();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const certificateAbi = new Interface([
  "function reportStolen(uint256 tokenId, string reason)",
  "function restore(uint256 tokenId, string reason)",
]);

async function rpc(url: string, method: string, params: unknown[]): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (body.error !== undefined) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

async function run(plan: FlipPlan): Promise<FlipResults> {
  const freshness: number[] = [];
  const stages: Record<Stage, number[]> = { head: [], primary: [], standby: [], first: [], all: [] };
  const statusOf = async (url: string, id: string): Promise<string | null> => {
    try {
      const response = await fetch(`${url}/v1/certificates/${id}`, {
        headers: { accept: "application/json" },
      });
      if (response.status !== 200) return null;
      return ((await response.json()) as { status?: string }).status ?? null;
    } catch {
      return null;
    }
  };
  // Where the time goes: the index's meta on the primary (the head the indexer saw, the range it
  // committed) and on the standby (the commit replayed).
  const primaryProbe = new pg.Client({ connectionString: plan.primaryUrl });
  const standbyProbe = new pg.Client({ connectionString: plan.standbyUrl });
  await primaryProbe.connect();
  await standbyProbe.connect();
  const metaOf = async (client: pg.Client): Promise<{ head: number; checkpoint: number }> => {
    const { rows } = await client.query<{ key: string; value: string }>(
      "SELECT key, value FROM hallmark_index.meta WHERE key IN ('head_block', 'checkpoint')",
    );
    const value = (key: string) => rows.find((row) => row.key === key)?.value;
    const checkpoint = value("checkpoint");
    return {
      head: Number(value("head_block") ?? -1),
      checkpoint:
        checkpoint === undefined ? -1 : (JSON.parse(checkpoint) as { blockNumber: number }).blockNumber,
    };
  };
  const stolen = new Set<string>();
  try {
    for (let flip = 0; flip < plan.flips; flip++) {
      const id = plan.tokens[flip % plan.tokens.length];
      const toStolen = !stolen.has(id);
      const data = certificateAbi.encodeFunctionData(toStolen ? "reportStolen" : "restore", [id, "bench"]);
      const hash = (await rpc(plan.rpcUrl, "eth_sendTransaction", [
        { from: plan.admin, to: plan.certificate, data },
      ])) as string;
      // The chain mines on send (automine): the block exists when the send returns.
      const mined = performance.now();
      const since = () => performance.now() - mined;
      const receipt = (await rpc(plan.rpcUrl, "eth_getTransactionReceipt", [hash])) as {
        blockNumber: string;
        status: string;
      } | null;
      if (receipt === null || receipt.status !== "0x1")
        throw new Error(`flip ${flip}: ${hash} not mined or reverted`);
      const block = Number(receipt.blockNumber);
      if (toStolen) stolen.add(id);
      else stolen.delete(id);
      const expected = toStolen ? "stolen" : "active";
      let done = false;
      const watch = async (client: pg.Client, watched: { head?: Stage; checkpoint: Stage }) => {
        let headAt: number | null = null;
        while (!done) {
          const meta = await metaOf(client);
          if (watched.head !== undefined && headAt === null && meta.head >= block) headAt = since();
          if (meta.checkpoint >= block) {
            const at = since();
            if (watched.head !== undefined) stages[watched.head].push(headAt ?? at);
            stages[watched.checkpoint].push(at);
            return;
          }
          await sleep(plan.probeMs);
        }
      };
      const probes = [
        watch(primaryProbe, { head: "head", checkpoint: "primary" }),
        watch(standbyProbe, { checkpoint: "standby" }),
      ];
      const answered = await Promise.all(
        plan.verifiers.map(async (verifier) => {
          while ((await statusOf(verifier.url, id)) !== expected) {
            if (since() > 30_000) throw new Error(`${verifier.name} never answered ${expected} for ${id}`);
            await sleep(plan.probeMs);
          }
          return since();
        }),
      );
      done = true;
      await Promise.all(probes);
      stages.first.push(Math.min(...answered));
      stages.all.push(Math.max(...answered));
      freshness.push(since());
    }
  } finally {
    await primaryProbe.end();
    await standbyProbe.end();
  }
  return { freshness, stages };
}

// The child: run the plan it is sent, answer the timings, exit.
if (process.send !== undefined && process.argv[1] === fileURLToPath(import.meta.url)) {
  process.once("message", (plan: FlipPlan) => {
    run(plan).then(
      (results) => process.send!(results, () => process.exit(0)),
      (error: unknown) =>
        process.send!({ error: error instanceof Error ? error.message : String(error) }, () =>
          process.exit(1),
        ),
    );
  });
}
