/**
 * A steady background load, for measurements that must hold under traffic rather than in an idle
 * fleet: requests at evenly spaced times (open loop), over a pool of keep-alive connections, until
 * stopped; it reports what it sent and what came back.
 *
 * Not autocannon's fixed rate: autocannon limits each connection to `rate / connections` requests per
 * one-second window and lets it send them back to back as soon as the window opens, so "2,000
 * requests/s" is 2,000 requests at once at the top of every second and then silence. On two cores
 * that burst held the verifiers and the CPU for a few hundred milliseconds every second, and a flip
 * that fell into it waited behind it (the freshness tail); a connection that had not finished its
 * quota when the next window opened lost the rest (the rate sustained fell short of the rate asked).
 * Here a timer sends what is due every TICK_MS, so the load is the same at every moment.
 */
import http from "node:http";

/** How often the pacer sends what is due: 2,000 requests/s over 4 targets is 2.5 per target per tick. */
const TICK_MS = 5;

export interface SteadyLoadTotals {
  /** Requests answered (any status). */
  requests: number;
  non2xx: number;
  errors: number;
  /** Requests due but not sent: every connection busy and `maxInFlight` requests already waiting. */
  skipped: number;
  /** The non-2xx answers by status and the failed requests by error code ("503", "ECONNRESET"). */
  failures: Record<string, number>;
  seconds: number;
  /** Latency percentiles of the answered requests, from their due time (ms). */
  p50: number;
  p99: number;
}

export interface SteadyLoad {
  /** Stops the load (the requests in flight are awaited) and answers its totals. */
  stop(): Promise<SteadyLoadTotals>;
}

/**
 * `ratePerSecond` requests per second to `url`, each to a path drawn from `paths`, until stopped,
 * over at most `connections` keep-alive connections. A request that finds every connection busy waits
 * for one (its latency counts from when it was due); past `maxInFlight` waiting or in flight, the
 * requests due are counted as skipped rather than queued without bound.
 */
export function startSteadyLoad(
  url: string,
  paths: readonly string[],
  ratePerSecond: number,
  options: { connections?: number; maxInFlight?: number } = {},
): SteadyLoad {
  const connections = options.connections ?? 20;
  const maxInFlight = options.maxInFlight ?? connections * 4;
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(url);
  let state = 12345;
  const nextPath = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return paths[(state >>> 0) % paths.length];
  };
  const totals = { requests: 0, non2xx: 0, errors: 0, skipped: 0 };
  const failures: Record<string, number> = {};
  const fail = (what: string) => (failures[what] = (failures[what] ?? 0) + 1);
  const latencies: number[] = [];
  let inFlight = 0;
  let drained: (() => void) | null = null;
  const settle = (due: number) => {
    latencies.push(performance.now() - due);
    inFlight -= 1;
    if (inFlight === 0) drained?.();
  };
  const send = (due: number) => {
    inFlight += 1;
    const request = http.get(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: nextPath(),
        headers: { accept: "application/json" },
        timeout: 10_000,
      },
      (response) => {
        if (response.statusCode === undefined || response.statusCode < 200 || response.statusCode >= 300) {
          totals.non2xx += 1;
          fail(String(response.statusCode));
        }
        response.resume();
        response.on("end", () => {
          totals.requests += 1;
          settle(due);
        });
        response.on("error", (error: NodeJS.ErrnoException) => {
          totals.errors += 1;
          fail(error.code ?? error.message);
          settle(due);
        });
      },
    );
    request.on("timeout", () => request.destroy(new Error("timeout")));
    request.on("error", (error: NodeJS.ErrnoException) => {
      totals.errors += 1;
      fail(error.code ?? error.message);
      settle(due);
    });
  };
  const started = performance.now();
  let issued = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const due = Math.floor(((now - started) / 1000) * ratePerSecond);
    for (; issued < due; issued++) {
      // Spread over the tick: the due time of the issued-th request.
      const dueAt = started + (issued * 1000) / ratePerSecond;
      if (inFlight >= maxInFlight) totals.skipped += 1;
      else send(dueAt);
    }
  }, TICK_MS);
  return {
    stop: async () => {
      clearInterval(timer);
      const seconds = (performance.now() - started) / 1000;
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      agent.destroy();
      const sorted = latencies.sort((a, b) => a - b);
      const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;
      return { ...totals, failures, seconds, p50: at(0.5), p99: at(0.99) };
    },
  };
}
