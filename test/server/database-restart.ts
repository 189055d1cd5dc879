import { expect } from "chai";
import { loadConfig } from "../../server/config.js";
import { startVerifier } from "../../server/main.js";
import type { VerifierHandle } from "../../server/main.js";
import { connection } from "../contracts/fixtures.js";
import { buildStack, SALT_A, SALT_B } from "./api/stack.js";
import type { Stack } from "./api/stack.js";
import { startPrivatePostgres } from "./support/private-postgres.js";
import type { PrivatePostgres } from "./support/private-postgres.js";
import { makeTempDir } from "./support/temp-dir.js";

/** What one request of the load loop saw. */
interface Seen {
  at: number;
  path: string;
  status: number;
  contentType: string | null;
  retryAfter: string | null;
  /** The body's `index` freshness (answers and problems both carry it). */
  index: { block?: unknown; stale?: unknown } | undefined;
  ms: number;
}

/** No request may hang longer than this, outage or not. */
const REQUEST_BOUND_MS = 5_000;

/**
 * PostgreSQL restarted under load (issue #13, Reliability): a verifier on HALLMARK_DATABASE_URL,
 * its indexer running, a steady stream of reads; the database dies as in a crash and comes back.
 * Meanwhile every answer is a 200 or a 503 problem that says what is known (Retry-After, the
 * index's freshness): no 500, no hang. Afterwards the verifier answers again and its indexer
 * resumes by itself, with no restart. The cluster is the test's own (a temp dir, a free port), so
 * the shared one other suites use is never stopped.
 */
describe("PostgreSQL restarted under load", function () {
  this.timeout(60_000);
  let database: PrivatePostgres;
  let stack: Stack; // the chain and the contracts (its own verifier, on sqlite, stays idle)
  let verifier: VerifierHandle;
  let dataDir: { path: string; remove: () => Promise<void> };
  let token: bigint;
  const seen: Seen[] = [];
  let loading = true;
  let load: Promise<void>;

  async function request(path: string): Promise<void> {
    const started = Date.now();
    let record: Seen;
    try {
      const response = await fetch(verifier.url + path, { signal: AbortSignal.timeout(REQUEST_BOUND_MS) });
      const text = await response.text();
      let index: Seen["index"];
      try {
        index = (JSON.parse(text) as { index?: Seen["index"] }).index;
      } catch {
        index = undefined;
      }
      record = {
        at: started,
        path,
        status: response.status,
        contentType: response.headers.get("content-type"),
        retryAfter: response.headers.get("retry-after"),
        index,
        ms: Date.now() - started,
      };
    } catch (error) {
      // A timeout or a dropped connection: recorded as status 0, which the assertions refuse.
      record = {
        at: started,
        path,
        status: 0,
        contentType: null,
        retryAfter: null,
        index: undefined,
        ms: Date.now() - started,
      };
      void error;
    }
    seen.push(record);
  }

  /** Two clients, each reading a certificate (answer cache, then the database) and a list (always the database). */
  async function client(): Promise<void> {
    while (loading) {
      await request(`/v1/certificates/${token.toString()}`);
      await request(`/v1/certificates?owner=${stack.alice.address}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  const listOk = async () =>
    (await fetch(`${verifier.url}/v1/certificates?owner=${stack.alice.address}`)).status === 200;

  async function until(what: string, condition: () => Promise<boolean>, ms: number): Promise<number> {
    const started = Date.now();
    while (!(await condition().catch(() => false))) {
      if (Date.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return Date.now() - started;
  }

  before(async function () {
    database = await startPrivatePostgres();
    stack = await buildStack();
    token = await stack.issue("RESTART-0001", stack.alice.address);
    dataDir = await makeTempDir("db-restart");
    verifier = await startVerifier({
      config: loadConfig({
        HALLMARK_PORT: "0",
        HALLMARK_DATA_DIR: dataDir.path,
        HALLMARK_BRAND_SALTS: JSON.stringify({ "1": SALT_A, "2": SALT_B }),
        HALLMARK_CONFIRMATIONS: "0",
        HALLMARK_POLL_INTERVAL_MS: "100",
        HALLMARK_RATE_LIMIT_PER_MINUTE: "1000000",
        HALLMARK_LOG_LEVEL: "silent",
        HALLMARK_DATABASE_URL: database.url,
      }),
      provider: connection.provider,
      deployments: stack.deployments,
      metadataStore: stack.metadataStore,
      handleSignals: false,
    });
    await until(
      "the indexer reaches the certificate",
      async () => (await fetch(`${verifier.url}/v1/certificates/${token.toString()}`)).status === 200,
      10_000,
    );
  });

  after(async function () {
    loading = false;
    await load?.catch(() => undefined);
    await verifier?.close();
    await stack?.close();
    await dataDir?.remove();
    await database?.remove();
  });

  it("answers 200 or a 503 that says what is known while the database is down, then recovers by itself", async function () {
    load = Promise.all([client(), client()]).then(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const crashedAt = Date.now();
    await database.crash();
    await until("a read of the database answers 503", async () => !(await listOk()), 5_000);
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // the load runs on against the dead database
    await database.start();
    const restartedAt = Date.now();
    const recoveredIn = await until("reads of the database answer 200 again", listOk, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    loading = false;
    await load;

    const bad = seen.filter((s) => !(s.status === 200 || s.status === 503));
    expect(bad, `only 200 and 503: ${JSON.stringify(bad.slice(0, 5))}`).to.deep.equal([]);
    const refusals = seen.filter((s) => s.status === 503);
    expect(refusals.length, "the outage showed").to.be.above(0);
    for (const refusal of refusals) {
      expect(refusal.contentType).to.match(/^application\/problem\+json/);
      expect(Number(refusal.retryAfter), "Retry-After").to.be.at.least(1);
      expect(refusal.index?.block, "the problem names the block the index holds").to.be.a("number");
    }
    // What the answer cache still holds is served, marked stale once the indexer's polls fail. An idle
    // indexer's poll reaches the database when it writes the head again (once a second, unchanged), so
    // the failure shows within that second and a poll interval (100 ms here), with room for a busy machine.
    const servedFromCache = seen.filter(
      (s) => s.status === 200 && s.at > crashedAt + 1_600 && s.at < restartedAt,
    );
    expect(servedFromCache.length, "cached certificates are still answered").to.be.above(0);
    expect(servedFromCache.map((s) => s.index?.stale)).to.satisfy((flags: unknown[]) =>
      flags.every((flag) => flag === true),
    );
    expect(Math.max(...seen.map((s) => s.ms)), "no request hangs").to.be.below(REQUEST_BOUND_MS);
    expect(
      seen.filter((s) => s.at > crashedAt && s.at < restartedAt).length,
      "requests ran during the outage",
    ).to.be.above(10);
    expect(recoveredIn, "recovered promptly after the restart").to.be.below(10_000);
    const after = seen.filter((s) => s.at > restartedAt + recoveredIn);
    expect(
      after.every((s) => s.status === 200),
      "every answer after recovery is a 200",
    ).to.equal(true);
  });

  it("indexes again after the restart: a transfer made after it shows up", async function () {
    await (
      await stack.certificate.connect(stack.alice).transferFrom(stack.alice.address, stack.bob.address, token)
    ).wait();
    await until(
      "the verifier shows the new owner",
      async () => {
        const view = (await (await fetch(`${verifier.url}/v1/certificates/${token.toString()}`)).json()) as {
          owner?: string;
        };
        return view.owner?.toLowerCase() === stack.bob.address.toLowerCase();
      },
      10_000,
    );
  });
});
