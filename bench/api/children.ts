/**
 * Servers under load run in child processes, so the load generator never shares their event loop.
 * Each child is `node --import tsx <script>` with the parent's Node, announces its URL over IPC,
 * and is stopped with SIGTERM (then SIGKILL after a grace period). Every child started is tracked
 * so the benchmark can stop them all on any exit path.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";

export interface ServerChild {
  name: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill("SIGTERM");
    if (!(await waitForExit(child, 15_000))) {
      child.kill("SIGKILL");
      await waitForExit(child, 5_000);
    }
  }
  running.delete(child);
}

export async function spawnServer(
  name: string,
  script: string,
  options: { cwd: string; env: Record<string, string>; execArgv?: string[]; startTimeoutMs?: number },
): Promise<ServerChild> {
  const child = spawn(process.execPath, [...(options.execArgv ?? []), "--import", "tsx", script], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  running.add(child);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not start within ${options.startTimeoutMs ?? 60_000} ms`)),
      options.startTimeoutMs ?? 60_000,
    );
    child.once("message", (message: { url?: string }) => {
      clearTimeout(timer);
      if (typeof message?.url === "string") resolve(message.url);
      else reject(new Error(`${name} sent an unexpected message`));
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before listening (code ${code}, signal ${signal})`));
    });
  }).catch(async (error: unknown) => {
    await stopChild(child);
    throw error;
  });
  return { name, url, pid: child.pid ?? -1, stop: () => stopChild(child) };
}

/** Stops every child still running (SIGTERM, then SIGKILL). */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child)));
}
