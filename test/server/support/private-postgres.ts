import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Where Debian's postgresql package puts the server binaries (scripts/test-services.sh installs it). */
const BIN_DIRS = ["/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin"];

/**
 * A PostgreSQL cluster of the test's own, in a temp dir on a free port: a test may stop and start
 * it (a database restart under load) without touching the shared cluster other suites use. Trust
 * authentication on loopback only. PostgreSQL refuses to run as root, so as root (CI) it runs as
 * the `postgres` user the Debian package creates. Fails, never skips, with what to install.
 */
export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  /** `pg_ctl stop -m immediate`: the server dies as in a crash, dropping every connection. */
  crash(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server (if running) and removes its directory. */
  remove(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = BIN_DIRS.find((dir) => existsSync(join(dir, "initdb")));
  if (bin === undefined) {
    throw new Error(
      `no PostgreSQL server binaries in ${BIN_DIRS.join(", ")}: run: npm run test:services (it installs the postgresql package)`,
    );
  }
  const asRoot = process.getuid?.() === 0;
  const dir = await mkdtemp(join(tmpdir(), "hallmark-pg-"));
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]).catch((error: unknown) => {
      throw new Error(
        "running as root but there is no postgres user to run PostgreSQL as: run: npm run test:services",
        { cause: error },
      );
    });
    const uid = Number(stdout.trim());
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    await chown(dir, uid, Number(gid.trim()));
  }
  const data = join(dir, "data");
  const port = await freePort();
  /** Runs a server binary, as postgres when root. */
  const pg = async (tool: string, args: string[]): Promise<void> => {
    const [file, argv] = asRoot
      ? ["runuser", ["-u", "postgres", "--", join(bin, tool), ...args]]
      : [join(bin, tool), args];
    try {
      await run(file, argv, { cwd: dir, timeout: 30_000 });
    } catch (error) {
      const output = error as { stderr?: string; stdout?: string };
      throw new Error(
        `${tool} ${args.join(" ")} failed: ${(output.stderr ?? output.stdout ?? String(error)).trim()}`,
        { cause: error },
      );
    }
  };
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const start = () =>
    pg("pg_ctl", ["-D", data, "-o", options, "-l", join(dir, "server.log"), "-w", "-t", "20", "start"]);
  await pg("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "--no-instructions"]);
  await start();
  let removed = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    crash: () => pg("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]),
    start,
    async remove() {
      if (removed) return;
      removed = true;
      await pg("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address !== null
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}
