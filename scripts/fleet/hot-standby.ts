/**
 * A streaming hot standby of the fleet's PostgreSQL primary, on this machine: `pg_basebackup -R`
 * (a copy of the primary that keeps replaying its WAL) into a temporary data directory, started
 * with the PostgreSQL binaries of the primary's major version on another port. `api` verifiers
 * read the index from it (HALLMARK_DATABASE_READ_URL) exactly as they would from a replica in
 * another region. PostgreSQL refuses to run as root: as root, the copy and the server run as the
 * `postgres` user, which owns the directory.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { chmod, chown, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "./ports.js";

export interface HotStandby {
  /** The primary's URL with the standby's host and port. */
  url: string;
  port: number;
  dataDirectory: string;
  /** Stops the server (fast shutdown) and removes its data directory. Idempotent. */
  stop(): Promise<void>;
}

interface RunAs {
  uid?: number;
  gid?: number;
}

/** As root, the `postgres` user (PostgreSQL will not run as root); otherwise whoever runs the fleet. */
function runAs(): RunAs {
  if (process.getuid?.() !== 0) return {};
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  return { uid, gid };
}

function run(command: string, args: string[], env: Record<string, string>, as: RunAs): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "pipe"],
      ...as,
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${path.basename(command)} failed (code ${code}): ${stderr.trim()}`)),
    );
  });
}

/** Settings a hot standby must hold at least at the primary's values, or it refuses to start. */
const AT_LEAST_PRIMARY = [
  "max_connections",
  "max_worker_processes",
  "max_wal_senders",
  "max_prepared_transactions",
  "max_locks_per_transaction",
];

export async function startHotStandby(options: { primaryUrl: string; port?: number }): Promise<HotStandby> {
  const primary = new URL(options.primaryUrl);
  const client = new pg.Client({ connectionString: options.primaryUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  let major: number;
  const settings: string[] = [];
  try {
    const version = await client.query<{ server_version_num: string }>("SHOW server_version_num");
    major = Math.floor(Number(version.rows[0].server_version_num) / 10_000);
    for (const name of AT_LEAST_PRIMARY) {
      const { rows } = await client.query<Record<string, string>>(`SHOW ${name}`);
      settings.push(`${name} = ${rows[0][name]}`);
    }
  } finally {
    await client.end();
  }
  const bin = `/usr/lib/postgresql/${major}/bin`;
  if (!existsSync(path.join(bin, "postgres"))) {
    throw new Error(
      `PostgreSQL ${major}'s server binaries are not in ${bin}: apt-get install postgresql-${major} (the hot standby runs them)`,
    );
  }

  const as = runAs();
  const directory = await mkdtemp(path.join(tmpdir(), "hallmark-standby-"));
  const data = path.join(directory, "data");
  let server: ChildProcess | null = null;
  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      if (server !== null && server.exitCode === null && server.signalCode === null) {
        const exited = new Promise<void>((resolve) => server!.once("exit", () => resolve()));
        server.kill("SIGINT"); // Fast shutdown: ends sessions, no checkpoint wait for clients.
        const timer = setTimeout(() => server?.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(directory, { recursive: true, force: true });
    })());

  try {
    if (as.uid !== undefined) await chown(directory, as.uid, as.gid!);
    await chmod(directory, 0o700);
    const port = options.port ?? (await freePort(Number(primary.port || 5432) + 1));
    await run(
      path.join(bin, "pg_basebackup"),
      [
        "-h",
        primary.hostname,
        "-p",
        primary.port || "5432",
        "-U",
        decodeURIComponent(primary.username),
        "-D",
        data,
        "-R",
        "-X",
        "stream",
        "-c",
        "fast",
      ],
      { PGPASSWORD: decodeURIComponent(primary.password) },
      as,
    );
    // Debian keeps postgresql.conf and pg_hba.conf in /etc, so the copy has neither: write both.
    await writeFile(
      path.join(data, "postgresql.conf"),
      [
        `port = ${port}`,
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${directory}'`,
        "hot_standby = on",
        // Long index reads on the standby are not cancelled by the primary's vacuum.
        "hot_standby_feedback = on",
        "wal_receiver_status_interval = 1s",
        "ssl = off",
        "logging_collector = off",
        ...settings,
        "",
      ].join("\n"),
    );
    await writeFile(
      path.join(data, "pg_hba.conf"),
      [
        "local all all peer",
        "host all all 127.0.0.1/32 scram-sha-256",
        "host all all ::1/128 scram-sha-256",
        "",
      ].join("\n"),
    );
    if (as.uid !== undefined) {
      await chown(path.join(data, "postgresql.conf"), as.uid, as.gid!);
      await chown(path.join(data, "pg_hba.conf"), as.uid, as.gid!);
    }
    // Its own process group: Ctrl-C in the fleet's terminal must not stop it before the verifiers that read it.
    const started = spawn(path.join(bin, "postgres"), ["-D", data], {
      detached: true,
      stdio: ["ignore", "ignore", "pipe"],
      ...as,
    });
    server = started;
    // A fleet that ends without stopping it (an uncaught error, process.exit) still takes it down.
    const onExit = () => {
      started.kill("SIGINT");
      rmSync(directory, { recursive: true, force: true });
    };
    process.once("exit", onExit);
    void new Promise((resolve) => started.once("exit", resolve)).then(() => process.off("exit", onExit));
    let log = "";
    started.stderr?.on("data", (chunk: Buffer) => (log = (log + chunk.toString("utf8")).slice(-4_000)));
    const standbyUrl = new URL(options.primaryUrl);
    standbyUrl.hostname = "127.0.0.1";
    standbyUrl.port = String(port);
    await waitForRecovery(standbyUrl.toString(), started, () => log);
    return { url: standbyUrl.toString(), port, dataDirectory: data, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Waits until the standby accepts read-only connections (it has replayed to a consistent point). */
async function waitForRecovery(url: string, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`the hot standby exited while starting: ${log().trim()}`);
    }
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      const { rows } = await client.query<{ standby: boolean }>("SELECT pg_is_in_recovery() AS standby");
      if (rows[0].standby) return;
      throw new Error("the copy is not in recovery: it would be a second primary");
    } catch (error) {
      if (error instanceof Error && error.message.startsWith("the copy")) throw error;
      if (Date.now() > deadline)
        throw new Error(`the hot standby did not accept connections within 60 s: ${log().trim()}`, {
          cause: error,
        });
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
