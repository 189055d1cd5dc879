/**
 * Process shutdown on SIGTERM/SIGINT for the entry points (server/main.ts run alone, scripts/start.ts):
 * every step is tried in order even when one fails, failures are logged, and a hard time limit
 * ends the process with a non-zero code if a step hangs (a stuck RPC call, a connection that
 * never drains), so an orchestrator's restart is never blocked on us.
 */

export interface ShutdownStep {
  /** What the step closes, for the log ("verifier", "IPFS node", …). */
  name: string;
  run: () => Promise<void> | void;
}

export interface ShutdownLog {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

export interface ShutdownOptions {
  /** After this long the process exits with code 1 whatever is still running. */
  timeoutMs: number;
  log: ShutdownLog;
  /** process.exit, replaced in tests. */
  exit?: (code: number) => void;
}

/** Runs every step in order; resolves true when all succeeded. Never rejects. */
export async function runShutdownSteps(steps: readonly ShutdownStep[], log: ShutdownLog): Promise<boolean> {
  let clean = true;
  for (const step of steps) {
    try {
      await step.run();
    } catch (error) {
      clean = false;
      log.error(`shutdown: closing the ${step.name} failed`, error);
    }
  }
  return clean;
}

/**
 * Shuts down with a hard limit, then exits: 0 when every step succeeded, 1 when one failed or
 * the limit passed first. Resolves once exit has been called (tests pass their own exit).
 */
export async function shutdownAndExit(
  steps: readonly ShutdownStep[],
  options: ShutdownOptions,
): Promise<void> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let exited = false;
  const exitOnce = (code: number): void => {
    if (exited) return;
    exited = true;
    exit(code);
  };
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<false>((resolve) => {
    timer = setTimeout(() => {
      options.log.error(`shutdown: not finished after ${options.timeoutMs} ms, exiting anyway`);
      resolve(false);
    }, options.timeoutMs);
  });
  const clean = await Promise.race([runShutdownSteps(steps, options.log), limit]);
  clearTimeout(timer);
  if (clean) options.log.info("shutdown: stopped cleanly");
  exitOnce(clean ? 0 : 1);
}

/**
 * Installs SIGTERM and SIGINT handlers that run `steps` through shutdownAndExit. A second signal
 * while shutting down exits at once with code 1 (an impatient Ctrl-C). Returns a function that
 * removes the handlers.
 */
export function exitOnSignals(steps: readonly ShutdownStep[], options: ShutdownOptions): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      options.log.error(`shutdown: ${signal} again, exiting now`);
      exit(1);
      return;
    }
    stopping = true;
    options.log.info(`shutdown: ${signal} received`);
    void shutdownAndExit(steps, { ...options, exit });
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  return () => {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  };
}
