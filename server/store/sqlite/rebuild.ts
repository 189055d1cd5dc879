/**
 * Rebuilding beside the served index. When a reorg cannot be rolled back, the indexer re-reads the
 * chain from the start block; answering from an emptied index meanwhile would call genuine
 * certificates unknown. So the new index is built in a second database (`<file>.rebuild`, or a
 * second in-memory database) while readers keep the served one, and it replaces the served file
 * in one rename once it has caught up. (The PostgreSQL store does the same with a shadow schema
 * renamed in one transaction.)
 *
 * The feed continues across the swap: the new index's event ids start after the served feed's
 * last id, so a client resuming with Last-Event-ID never sees an id go backwards or repeat.
 */
import { renameSync, rmSync } from "node:fs";
import type { IndexDatabase } from "./database.js";
import { openIndexDatabase } from "./database.js";
import { readCheckpoint, readIdentity, writeIdentity } from "./status.js";
import { appendReorgEvent } from "./writes.js";

const MEMORY = ":memory:";

export function shadowLocation(location: string): string {
  return location === MEMORY ? MEMORY : `${location}.rebuild`;
}

/** Deletes a database file and its WAL companions (nothing for ":memory:"). */
export function removeDatabaseFiles(location: string): void {
  if (location === MEMORY) return;
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(location + suffix, { force: true });
}

/** Opens an empty index beside `served`, with its identity, head and a rebuild feed entry. */
export function openShadow(served: IndexDatabase, location: string): IndexDatabase {
  const path = shadowLocation(location);
  removeDatabaseFiles(path);
  const shadow = openIndexDatabase(path);
  const identity = readIdentity(served.conn);
  const checkpoint = readCheckpoint(served.conn);
  shadow.conn.transaction(() => {
    if (identity !== null) writeIdentity(shadow.conn, identity);
    for (const key of ["head_block", "confirmations", "updated_at"]) {
      shadow.conn.setMeta(key, served.conn.getMeta(key));
    }
    // AUTOINCREMENT ids continue from sqlite_sequence: start the new feed after the served one.
    shadow.conn.run("DELETE FROM sqlite_sequence WHERE name = 'events'");
    shadow.conn.run(
      "INSERT INTO sqlite_sequence (name, seq) VALUES ('events', ?)",
      served.reads.lastEventId(),
    );
    appendReorgEvent(shadow.conn, (identity?.startBlock ?? 0) - 1, checkpoint?.blockNumber ?? null, true);
  });
  return shadow;
}

/** Abandons a shadow (a rebuild started over, an identity change, close). */
export function discardShadow(shadow: IndexDatabase, location: string): void {
  shadow.conn.close();
  removeDatabaseFiles(shadowLocation(location));
}

/**
 * Makes `shadow` the served index and answers it. For a file: the shadow is checkpointed and
 * closed, renamed over the served file (atomic: the path always names one complete index), and
 * reopened. The store runs this synchronously, so no read of this process sees the gap. Other
 * processes must not hold the file open (several processes share an index through PostgreSQL).
 */
export function promoteShadow(served: IndexDatabase, shadow: IndexDatabase, location: string): IndexDatabase {
  if (location === MEMORY) {
    served.conn.close();
    return shadow;
  }
  const path = shadowLocation(location);
  shadow.conn.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  shadow.conn.close();
  served.conn.close();
  // The served file's WAL belongs to the old index: it must not be replayed onto the new one.
  for (const suffix of ["-wal", "-shm", "-journal"]) rmSync(location + suffix, { force: true });
  renameSync(path, location);
  removeDatabaseFiles(path);
  return openIndexDatabase(location);
}
