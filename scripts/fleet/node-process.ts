/**
 * One Hallmark process of the fleet (`server/main.ts` with HALLMARK_ROLE and the rest in its
 * environment), run as `node --import tsx` with this Node. It announces its URL over IPC, and an
 * indexer says each time it starts leading; it stops on SIGTERM (then SIGKILL after a grace
 * period) and by itself when its parent goes away (the IPC channel closes).
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const MAIN = path.join(ROOT, "server", "main.ts");

export interface NodeProcess {
  name: string;
  url: string;
  pid: number;
  /** Resolves at the process's next "I lead the index now" (indexers only). */
  nextLeading(): Promise<void>;
  /** Whether it announced leading and has not exited since. */
  leading(): boolean;
  exited(): boolean;
  /** Resolves when the process has exited (whatever the cause). */
  readonly exit: Promise<void>;
  /** kill -9: what a crash or an OOM kill does; nothing of the process runs any more. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 15 s). */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnNodeOptions {
  env: Record<string, string>;
  /** Where the output goes: "inherit" (the fleet's terminal) or "ignore" (tests, benchmarks). Default inherit. */
  output?: "inherit" | "ignore";
  startTimeoutMs?: number;
}

export async function spawnNode(name: string, options: SpawnNodeOptions): Promise<NodeProcess> {
  const output = options.output ?? "inherit";
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", MAIN], {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", output, output, "ipc"],
    // Its own process group: a terminal's Ctrl-C reaches the fleet alone, which stops each node
    // with SIGTERM (its graceful drain); a node whose fleet dies stops on the IPC disconnect.
    detached: true,
  });
  let isLeading = false;
  let leadingWaiters: (() => void)[] = [];
  const exit = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exit.then(() => (isLeading = false));
  child.on("message", (message: { leading?: boolean }) => {
    if (message?.leading !== true) return;
    isLeading = true;
    const waiters = leadingWaiters;
    leadingWaiters = [];
    for (const resolve of waiters) resolve();
  });
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not start within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (message: { url?: unknown }) => {
      if (typeof message?.url !== "string") return;
      clearTimeout(timer);
      child.off("message", onMessage);
      resolve(message.url);
    };
    child.on("message", onMessage);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before listening (code ${code}, signal ${signal})`));
    });
  }).catch(async (error: unknown) => {
    child.kill("SIGKILL");
    await exit;
    throw error;
  });
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const waitExit = (ms: number) =>
    Promise.race([
      exit.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref()),
    ]);
  return {
    name,
    url,
    pid: child.pid ?? -1,
    exit,
    leading: () => isLeading,
    exited,
    nextLeading: () => new Promise<void>((resolve) => leadingWaiters.push(resolve)),
    kill: async () => {
      if (!exited()) child.kill("SIGKILL");
      await exit;
    },
    stop: async (graceMs = 15_000) => {
      if (exited()) return;
      child.kill("SIGTERM");
      if (!(await waitExit(graceMs))) {
        child.kill("SIGKILL");
        await exit;
      }
    },
  };
}
