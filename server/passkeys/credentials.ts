/**
 * Registered passkeys: credential id → its P-256 public key and the account that key's factory address
 * is. Public data only (a public key, an address): no name, no e-mail, nothing personal, so that a phone
 * which kept the passkey but lost the page's memory finds its account again from the credential id the
 * passkey answers with. A sqlite file on one machine (server/store/sqlite/passkey-credentials.ts) or
 * PostgreSQL in a fleet (server/store/postgres/passkey-credentials.ts, migration 012).
 */
export interface PasskeyCredential {
  /** base64url, as WebAuthn names it. */
  credentialId: string;
  /** 0x-hex, 32 bytes each. */
  qx: string;
  qy: string;
  /** factory.accountAddress(qx, qy): the account this passkey made (a second device's passkey names its own). */
  account: string;
  /** Epoch ms. */
  registeredAt: number;
}

export interface PasskeyCredentials {
  /** Keeps a credential; registering the same credential id again keeps the first record (a key never changes). */
  save(credential: PasskeyCredential): Promise<void>;
  find(credentialId: string): Promise<PasskeyCredential | null>;
  close(): Promise<void>;
}

/** Opened on first use, as tap counters are: a verifier nobody registers a passkey with creates no file. */
export class LazyPasskeyCredentials implements PasskeyCredentials {
  private opened: PasskeyCredentials | null = null;

  constructor(private readonly open: () => PasskeyCredentials) {}

  private credentials(): PasskeyCredentials {
    return (this.opened ??= this.open());
  }

  save(credential: PasskeyCredential): Promise<void> {
    return this.credentials().save(credential);
  }

  find(credentialId: string): Promise<PasskeyCredential | null> {
    return this.credentials().find(credentialId);
  }

  async close(): Promise<void> {
    await this.opened?.close();
  }
}
