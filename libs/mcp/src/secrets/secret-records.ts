/** A secret as kept: its value encrypted (see SecretCipher), and when it was last set. */
export interface StoredSecret {
  sealed: string;
  updated_at: string;
}

/** Where sealed secrets are kept, by user and name: this process's memory, or Redis. Never sees a plaintext. */
export interface SecretRecords {
  put(userId: string, name: string, record: StoredSecret): Promise<void>;
  get(userId: string, name: string): Promise<StoredSecret | undefined>;
  all(userId: string): Promise<Map<string, StoredSecret>>;
  delete(userId: string, name: string): Promise<boolean>;
  deleteAll(userId: string): Promise<number>;
  close?(): Promise<void>;
}

/** Sealed secrets in this process's memory. */
export class MemorySecretRecords implements SecretRecords {
  /** @internal what a test reads to see that nothing is kept in the clear. */
  readonly byUser = new Map<string, Map<string, StoredSecret>>();

  async put(userId: string, name: string, record: StoredSecret): Promise<void> {
    let secrets = this.byUser.get(userId);
    if (!secrets) this.byUser.set(userId, (secrets = new Map()));
    secrets.set(name, record);
  }

  async get(userId: string, name: string): Promise<StoredSecret | undefined> {
    return this.byUser.get(userId)?.get(name);
  }

  async all(userId: string): Promise<Map<string, StoredSecret>> {
    return new Map(this.byUser.get(userId) ?? []);
  }

  async delete(userId: string, name: string): Promise<boolean> {
    const secrets = this.byUser.get(userId);
    const deleted = secrets?.delete(name) ?? false;
    if (secrets?.size === 0) this.byUser.delete(userId);
    return deleted;
  }

  async deleteAll(userId: string): Promise<number> {
    const count = this.byUser.get(userId)?.size ?? 0;
    this.byUser.delete(userId);
    return count;
  }
}
