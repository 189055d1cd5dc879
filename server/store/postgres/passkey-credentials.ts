import type pg from "pg";
import type { PasskeyCredential, PasskeyCredentials } from "../../passkeys/credentials.js";

/** Registered passkeys as rows of `passkey_credentials` (migration 012), shared by every verifier. */
export class PostgresPasskeyCredentials implements PasskeyCredentials {
  constructor(private readonly pool: pg.Pool) {}

  async save(credential: PasskeyCredential): Promise<void> {
    await this.pool.query(
      `INSERT INTO passkey_credentials (credential_id, qx, qy, account, registered_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (credential_id) DO NOTHING`,
      [credential.credentialId, credential.qx, credential.qy, credential.account, credential.registeredAt],
    );
  }

  async find(credentialId: string): Promise<PasskeyCredential | null> {
    const { rows } = await this.pool.query<{
      credential_id: string;
      qx: string;
      qy: string;
      account: string;
      registered_at: string;
    }>("SELECT * FROM passkey_credentials WHERE credential_id = $1", [credentialId]);
    if (rows.length === 0) return null;
    const row = rows[0];
    return {
      credentialId: row.credential_id,
      qx: row.qx,
      qy: row.qy,
      account: row.account,
      registeredAt: Number(row.registered_at),
    };
  }

  /** The pool belongs to the process's shared state, which closes it. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
