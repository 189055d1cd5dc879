import { mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { StatementSync } from "node:sqlite";
import type { PasskeyCredential, PasskeyCredentials } from "../../passkeys/credentials.js";

/**
 * Registered passkeys in a sqlite file of their own (`<data dir>/passkeys.sqlite`), not in the index:
 * the index is rebuilt from the chain, and a credential id is a fact no chain holds.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS passkey_credentials (
  credential_id TEXT PRIMARY KEY,
  qx TEXT NOT NULL,
  qy TEXT NOT NULL,
  account TEXT NOT NULL,
  registered_at INTEGER NOT NULL
) WITHOUT ROWID`;

interface Row {
  credential_id: string;
  qx: string;
  qy: string;
  account: string;
  registered_at: number;
}

export class SqlitePasskeyCredentials implements PasskeyCredentials {
  private readonly db: DatabaseSync;
  private readonly insert: StatementSync;
  private readonly select: StatementSync;

  constructor(location: string) {
    if (location !== ":memory:") mkdirSync(path.dirname(path.resolve(location)), { recursive: true });
    this.db = new DatabaseSync(location);
    if (location !== ":memory:") this.db.exec("PRAGMA journal_mode = WAL");
    this.db.exec("PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000");
    this.db.exec(SCHEMA);
    this.insert = this.db.prepare(
      `INSERT INTO passkey_credentials (credential_id, qx, qy, account, registered_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (credential_id) DO NOTHING`,
    );
    this.select = this.db.prepare("SELECT * FROM passkey_credentials WHERE credential_id = ?");
  }

  save(credential: PasskeyCredential): Promise<void> {
    this.insert.run(
      credential.credentialId,
      credential.qx,
      credential.qy,
      credential.account,
      credential.registeredAt,
    );
    return Promise.resolve();
  }

  find(credentialId: string): Promise<PasskeyCredential | null> {
    const row = this.select.get(credentialId) as Row | undefined;
    return Promise.resolve(row === undefined ? null : credentialOf(row));
  }

  close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
    return Promise.resolve();
  }
}

function credentialOf(row: Row): PasskeyCredential {
  return {
    credentialId: row.credential_id,
    qx: row.qx,
    qy: row.qy,
    account: row.account,
    registeredAt: Number(row.registered_at),
  };
}
