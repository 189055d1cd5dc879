/**
 * Load generation with autocannon's programmatic API: a fixed number of keep-alive connections,
 * each request to a path drawn from a list (random existing token ids), a warm-up run whose
 * figures are discarded, then the measured run.
 */
import autocannon from "autocannon";

export interface LoadTarget {
  name: string;
  /** Origin, e.g. http://127.0.0.1:1234 */
  url: string;
  /**
   * Request paths, drawn at random for each request; a path may name its own Accept (the resolver's
   * mix of representations), otherwise the request asks for application/json.
   */
  paths: readonly (string | { path: string; accept: string })[];
  /**
   * Instead of drawing from `paths` at random: a feed shared by the warm-up and the measured run (the
   * tap route's fresh links, each to be used once), told of each connection's answer.
   */
  feed?: {
    reset(): void;
    next(context: { tag?: number }): string;
    answered(context: { tag?: number }): void;
  };
  /** Sorts each answer's body into a named count (the tap route: fresh taps, copied links). */
  classify?: (status: number, body: string) => string;
}

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Deterministic path choice (xorshift seed). */
  seed?: number;
}

export interface LoadResult {
  name: string;
  requests: number;
  requestsPerSecond: number;
  /** Milliseconds. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Answers 3xx (counted in non2xx): the resolver's redirects, expected for its browser variants. */
  redirects: number;
  bytesPerRequest: number;
  durationSeconds: number;
  /** With `classify`: the measured run's answers by class. */
  answers?: Record<string, number>;
}

function picker<T>(paths: readonly T[], seed: number): () => T {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return paths[(state >>> 0) % paths.length];
  };
}

function run(
  target: LoadTarget,
  connections: number,
  seconds: number,
  seed: number,
  answers?: Record<string, number>,
): Promise<autocannon.Result> {
  const next = picker(target.paths, seed);
  const { classify, feed } = target;
  feed?.reset();
  return autocannon({
    url: target.url,
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: 10,
    headers: { accept: "application/json" },
    requests: [
      {
        method: "GET",
        setupRequest: (request, context) => {
          if (feed !== undefined) return { ...request, path: feed.next(context) };
          const drawn = next();
          if (typeof drawn === "string") return { ...request, path: drawn };
          return { ...request, path: drawn.path, headers: { ...request.headers, accept: drawn.accept } };
        },
        ...(classify === undefined && feed === undefined
          ? {}
          : {
              onResponse: (status: number, body: string, context: object) => {
                feed?.answered(context);
                if (classify === undefined || answers === undefined) return;
                const name = classify(status, body);
                answers[name] = (answers[name] ?? 0) + 1;
              },
            }),
      },
    ],
  });
}

export async function measure(target: LoadTarget, options: LoadOptions): Promise<LoadResult> {
  if (options.warmupSeconds > 0)
    await run(target, options.connections, options.warmupSeconds, (options.seed ?? 1) + 7);
  const answers: Record<string, number> = {};
  const result = await run(target, options.connections, options.durationSeconds, options.seed ?? 1, answers);
  const requests = result.requests.total;
  const seconds = result.duration;
  return {
    name: target.name,
    requests,
    requestsPerSecond: requests / seconds,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    redirects: (result as unknown as Record<string, number>)["3xx"] ?? 0,
    bytesPerRequest: requests === 0 ? 0 : result.throughput.total / requests,
    durationSeconds: seconds,
    ...(target.classify === undefined ? {} : { answers }),
  };
}
