/**
 * A steady background load (autocannon at a fixed overall rate), for measurements that must hold
 * under traffic rather than in an idle fleet: it runs until stopped and reports what it sent.
 */
import autocannon from "autocannon";

export interface SteadyLoad {
  /** Stops the load and answers its totals. */
  stop(): Promise<{ requests: number; non2xx: number; errors: number; seconds: number; p99: number }>;
}

/** `ratePerSecond` requests per second to `url`, each to a path drawn from `paths`, until stopped. */
export function startSteadyLoad(
  url: string,
  paths: readonly string[],
  ratePerSecond: number,
  connections = 20,
): SteadyLoad {
  let state = 12345;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return paths[(state >>> 0) % paths.length];
  };
  const started = performance.now();
  let finish!: (result: autocannon.Result) => void;
  const done = new Promise<autocannon.Result>((resolve) => (finish = resolve));
  const instance = autocannon(
    {
      url,
      connections,
      overallRate: ratePerSecond,
      duration: 3_600,
      timeout: 10,
      headers: { accept: "application/json" },
      requests: [{ method: "GET", setupRequest: (request) => ({ ...request, path: next() }) }],
    },
    (error, result) => {
      if (error === null || error === undefined) finish(result);
    },
  );
  return {
    stop: async () => {
      instance.stop();
      const result = await done;
      return {
        requests: result.requests.total,
        non2xx: result.non2xx,
        errors: result.errors,
        seconds: (performance.now() - started) / 1000,
        p99: result.latency.p99,
      };
    },
  };
}
