/**
 * The fleet benchmark's background load in a process of its own: steady-load.ts generating 2,000
 * requests/s would otherwise share the benchmark's event loop with the in-process chain and its
 * JSON-RPC bridge (which every indexer poll goes through) and with the freshness probes, and the
 * figure would measure that queue rather than the fleet. Started by `startLoadProcess`; told what
 * to load over IPC, it answers its totals when told to stop.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startSteadyLoad } from "./steady-load.js";
import type { SteadyLoad } from "./steady-load.js";

export interface LoadTotals {
  requests: number;
  non2xx: number;
  errors: number;
  /** Requests due but not sent (every connection busy and the queue full). */
  skipped: number;
  /** The non-2xx answers by status and the failed requests by error code, over every target. */
  failures: Record<string, number>;
  seconds: number;
  /** The worst target's latency percentiles (ms, from each request's due time). */
  p50: number;
  p99: number;
}

interface StartMessage {
  targets: { url: string; ratePerSecond: number }[];
  paths: string[];
}

export interface LoadProcess {
  stop(): Promise<LoadTotals>;
}

/** Starts the load in a child process: each target gets its own steady rate over `paths`. */
export async function startLoadProcess(message: StartMessage): Promise<LoadProcess> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const next = <T>(): Promise<T> =>
    new Promise((resolve, reject) => {
      child.once("message", (reply) => resolve(reply as T));
      child.once("exit", (code) => reject(new Error(`the load process exited (code ${code})`)));
    });
  const started = next<{ started: true }>();
  child.send(message);
  await started;
  return {
    stop: async () => {
      const totals = next<LoadTotals>();
      child.send({ stop: true });
      const result = await totals;
      child.disconnect();
      return result;
    },
  };
}

// The child: run until told to stop, then report the sum over targets.
if (process.send !== undefined && process.argv[1] === fileURLToPath(import.meta.url)) {
  let loads: SteadyLoad[] = [];
  process.on("message", (message: StartMessage | { stop: true }) => {
    if ("targets" in message) {
      loads = message.targets.map((target) =>
        startSteadyLoad(target.url, message.paths, target.ratePerSecond),
      );
      process.send!({ started: true });
      return;
    }
    void Promise.all(loads.map((load) => load.stop())).then((totals) => {
      process.send!({
        requests: totals.reduce((sum, t) => sum + t.requests, 0),
        non2xx: totals.reduce((sum, t) => sum + t.non2xx, 0),
        errors: totals.reduce((sum, t) => sum + t.errors, 0),
        skipped: totals.reduce((sum, t) => sum + t.skipped, 0),
        failures: totals.reduce<Record<string, number>>((sum, t) => {
          for (const [what, count] of Object.entries(t.failures)) sum[what] = (sum[what] ?? 0) + count;
          return sum;
        }, {}),
        seconds: Math.max(...totals.map((t) => t.seconds)),
        p50: Math.max(...totals.map((t) => t.p50)),
        p99: Math.max(...totals.map((t) => t.p99)),
      } satisfies LoadTotals);
    });
  });
  process.on("disconnect", () => process.exit(0));
}
