import { randomBytes } from "node:crypto";
import type pg from "pg";
import { ConflictError, ExpiredError, NotFoundError } from "../../errors.js";
import { rethrowOutage } from "./database.js";
import {
  DEFAULT_CHALLENGE_TTL_MS,
  DEFAULT_MAX_CHALLENGES,
  DEFAULT_MAX_CHALLENGES_PER_CLIENT,
  EXPIRED_CHALLENGE,
  NO_CLIENT,
  UNKNOWN_CHALLENGE,
  USED_CHALLENGE,
} from "../../verification/challenge-store.js";
import type {
  Challenge,
  ChallengeStatus,
  ChallengeStore,
  ChallengeStoreOptions,
} from "../../verification/challenge-store.js";

/**
 * Challenges in PostgreSQL (table `challenges`, migration 001), shared by every verifier on the
 * database: the seller's phone may reach one instance and the buyer's another. Same rules as the
 * memory store (ChallengeStore): the bounds are per `kind` (ownership and chip challenges are
 * separate stores in one table), per client and global, and they hold across instances because
 * issuing takes a transaction-scoped advisory lock per kind. Taking is one conditional UPDATE, so
 * two instances racing for one challenge cannot both win.
 *
 * Time is the database's clock (one clock for the fleet) unless a test gives `now`.
 */
export interface PostgresChallengeStoreOptions extends ChallengeStoreOptions {
  /** "ownership", "chip": ids, bounds and eviction are per kind. */
  kind: string;
  /**
   * How long a taken challenge may stay undecided before it is open again (default 60 s, well past a
   * verification's chain reads and their timeouts): the verifier that took it was killed mid-proof,
   * and in a fleet the challenge outlives it.
   */
  abandonedAfterMs?: number;
}

interface ChallengeRow {
  id: string;
  client: string;
  payload: unknown;
  state: "open" | "in_use" | "used";
  outcome: unknown;
  issued_at: string;
  expires_at: string;
  /** now > expires_at, by the clock the query used. */
  expired: boolean;
}

/** The clock a query uses: the test's (`$n`) when given, else the database's, in epoch milliseconds. */
const NOW = (param: string) =>
  `COALESCE(${param}::bigint, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)`;
/** A take older than `abandonParam` ms counts as open again. */
const STATE = (nowParam: string, abandonParam: string) =>
  `CASE WHEN state = 'in_use' AND taken_at < ${NOW(nowParam)} - ${abandonParam}::bigint THEN 'open' ELSE state END`;
const COLUMNS = (nowParam: string, abandonParam: string) =>
  `id, client, payload, ${STATE(nowParam, abandonParam)} AS state, outcome, issued_at, expires_at, ${NOW(nowParam)} > expires_at AS expired`;

export class PostgresChallengeStore<T, R = never> implements ChallengeStore<T, R> {
  readonly ttlMs: number;
  private readonly kind: string;
  private readonly maxEntries: number;
  private readonly maxPerClient: number;
  private readonly now?: () => number;
  private readonly abandonedAfterMs: number;

  constructor(
    private readonly pool: pg.Pool,
    options: PostgresChallengeStoreOptions,
  ) {
    this.kind = options.kind;
    this.ttlMs = options.ttlMs ?? DEFAULT_CHALLENGE_TTL_MS;
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_CHALLENGES;
    this.maxPerClient = Math.max(1, options.maxPerClient ?? DEFAULT_MAX_CHALLENGES_PER_CLIENT);
    this.now = options.now;
    this.abandonedAfterMs = options.abandonedAfterMs ?? 60_000;
  }

  async issue(payloadFor: (id: string) => T, client: string = NO_CLIENT): Promise<Challenge<T>> {
    const id = `0x${randomBytes(32).toString("hex")}`;
    const payload = payloadFor(id);
    const now = this.clock();
    const db = await this.pool.connect();
    try {
      await db.query("BEGIN");
      // Issuers of one kind take turns, so no two instances both see room for one more.
      await db.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`hallmark.challenges.${this.kind}`]);
      await this.makeRoomFor(db, client, now);
      const { rows } = await db.query<ChallengeRow>(
        `INSERT INTO challenges (kind, id, client, payload, state, issued_at, expires_at)
         SELECT $1, $2, $3, $4::json, 'open', t, t + $5 FROM (SELECT ${NOW("$6")} AS t) AS clock
         RETURNING ${COLUMNS("$6", "$7")}`,
        [this.kind, id, client, JSON.stringify(payload), this.ttlMs, now, this.abandonedAfterMs],
      );
      await db.query("COMMIT");
      return challengeOf<T>(rows[0]);
    } catch (error) {
      await db.query("ROLLBACK").catch(() => undefined);
      rethrowOutage(error);
    } finally {
      db.release();
    }
  }

  async peek(id: string): Promise<Challenge<T>> {
    return challengeOf<T>(usable(await this.row(id)));
  }

  async take(id: string): Promise<Challenge<T>> {
    const { rows } = await this.pool.query<ChallengeRow>(
      `UPDATE challenges SET state = 'in_use', taken_at = ${NOW("$3")}
       WHERE kind = $1 AND id = $2 AND ${STATE("$3", "$4")} = 'open' AND expires_at >= ${NOW("$3")}
       RETURNING ${COLUMNS("$3", "$4")}`,
      [this.kind, id.toLowerCase(), this.clock(), this.abandonedAfterMs],
    );
    if (rows.length === 1) return challengeOf<T>(rows[0]);
    // Not taken: say why, as peek would (it is gone, used, in use or expired).
    usable(await this.row(id));
    throw new ConflictError(USED_CHALLENGE); // taken by another request between the two reads
  }

  async consume(id: string, outcome?: R): Promise<void> {
    await this.pool.query(
      "UPDATE challenges SET state = 'used', outcome = COALESCE($3::json, outcome) WHERE kind = $1 AND id = $2",
      [this.kind, id.toLowerCase(), outcome === undefined ? null : JSON.stringify(outcome)],
    );
  }

  async release(id: string): Promise<void> {
    await this.pool.query(
      "UPDATE challenges SET state = 'open' WHERE kind = $1 AND id = $2 AND state = 'in_use'",
      [this.kind, id.toLowerCase()],
    );
  }

  async stateOf(id: string): Promise<ChallengeStatus<T, R>> {
    const row = await this.row(id);
    if (row === undefined) throw new NotFoundError(UNKNOWN_CHALLENGE);
    const challenge = challengeOf<T>(row);
    if (row.expired) return { state: "expired", challenge };
    if (row.state === "used")
      return { state: "used", challenge, outcome: (row.outcome ?? undefined) as R | undefined };
    return { state: "open", challenge };
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM challenges WHERE kind = $1",
      [this.kind],
    );
    return Number(rows[0].n);
  }

  private clock(): number | null {
    return this.now === undefined ? null : this.now();
  }

  private async row(id: string): Promise<ChallengeRow | undefined> {
    const { rows } = await this.pool.query<ChallengeRow>(
      `SELECT ${COLUMNS("$3", "$4")} FROM challenges WHERE kind = $1 AND id = $2`,
      [this.kind, id.toLowerCase(), this.clock(), this.abandonedAfterMs],
    );
    return rows[0];
  }

  /**
   * The memory store's eviction, in SQL: a client at its limit loses its expired challenges, then
   * its oldest; a full store loses every expired challenge, then the oldest of whoever holds most.
   * Expired rows stay until room is needed, so that stateOf can still answer "expired".
   */
  private async makeRoomFor(db: pg.PoolClient, client: string, now: number | null): Promise<void> {
    const own = await countOf(db, "SELECT count(*) AS n FROM challenges WHERE kind = $1 AND client = $2", [
      this.kind,
      client,
    ]);
    if (own >= this.maxPerClient) {
      await db.query(`DELETE FROM challenges WHERE kind = $1 AND client = $2 AND ${NOW("$3")} > expires_at`, [
        this.kind,
        client,
        now,
      ]);
      await db.query(
        `DELETE FROM challenges WHERE kind = $1 AND id IN (
           SELECT id FROM challenges WHERE kind = $1 AND client = $2 ORDER BY seq
           LIMIT greatest(0, (SELECT count(*) FROM challenges WHERE kind = $1 AND client = $2) - $3 + 1))`,
        [this.kind, client, this.maxPerClient],
      );
    }
    const total = await countOf(db, "SELECT count(*) AS n FROM challenges WHERE kind = $1", [this.kind]);
    if (total < this.maxEntries) return;
    await db.query(`DELETE FROM challenges WHERE kind = $1 AND ${NOW("$2")} > expires_at`, [this.kind, now]);
    let remaining = await countOf(db, "SELECT count(*) AS n FROM challenges WHERE kind = $1", [this.kind]);
    for (; remaining >= this.maxEntries; remaining--) {
      await db.query(
        `DELETE FROM challenges WHERE kind = $1 AND id = (
           SELECT id FROM challenges WHERE kind = $1 AND client = (
             SELECT client FROM challenges WHERE kind = $1 GROUP BY client ORDER BY count(*) DESC, min(seq) LIMIT 1)
           ORDER BY seq LIMIT 1)`,
        [this.kind],
      );
    }
  }
}

async function countOf(db: pg.PoolClient, sql: string, params: unknown[]): Promise<number> {
  const { rows } = await db.query<{ n: string }>(sql, params);
  return Number(rows[0].n);
}

/** Throws as the memory store does for a challenge that cannot be used: 404, then 409, then 410. */
function usable(row: ChallengeRow | undefined): ChallengeRow {
  if (row === undefined) throw new NotFoundError(UNKNOWN_CHALLENGE);
  if (row.state !== "open") throw new ConflictError(USED_CHALLENGE);
  if (row.expired) throw new ExpiredError(EXPIRED_CHALLENGE);
  return row;
}

function challengeOf<T>(row: ChallengeRow): Challenge<T> {
  return {
    id: row.id,
    payload: row.payload as T,
    issuedAt: Number(row.issued_at),
    expiresAt: Number(row.expires_at),
  };
}
