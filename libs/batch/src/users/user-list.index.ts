import { Inject, Injectable } from '@nestjs/common';
import { BATCH_STORE } from '../batch.constants';
import { LoopYielder } from '../event-loop/loop.yielder';
import { sortYielding } from '../event-loop/yielding.sort';
import { BatchStore } from '../store/batch-store.interface';
import { BatchUser } from '../store/batch-records';
import { flatten } from './csv';

/** How long a sorted list is served without reading the store again: another server on the same Redis may change the directory. */
const MAX_AGE_MS = 5000;

const numeric = new Intl.Collator(undefined, { numeric: true });
const plain = new Intl.Collator();

/**
 * The directory searched and sorted by a field, as GET /api/users pages it. Sorting 100,000 users
 * costs about a second of CPU, so it runs in slices of the event loop, and the last list is kept
 * until the directory changes: paging through it is a slice.
 */
@Injectable()
export class UserListIndex {
  private version = 0;
  private kept: { key: string; version: number; builtAt: number; users: BatchUser[] } | undefined;

  constructor(@Inject(BATCH_STORE) private readonly store: BatchStore) {}

  /** The directory changed: the next list reads it again. */
  changed(): void {
    this.version++;
    this.kept = undefined;
  }

  /** Users whose id, name or any string field contains `needle` (lower case), sorted by `sort` then id. */
  async list(needle: string | undefined, sort: string, order: 'asc' | 'desc'): Promise<BatchUser[]> {
    const key = JSON.stringify([needle, sort, order]);
    const kept = this.kept;
    if (kept && kept.key === key && kept.version === this.version && performance.now() - kept.builtAt < MAX_AGE_MS) return kept.users;
    const version = this.version;
    const users = await this.build(needle, sort, order === 'desc' ? -1 : 1);
    if (version === this.version) this.kept = { key, version, builtAt: performance.now(), users };
    return users;
  }

  private async build(needle: string | undefined, sort: string, direction: number): Promise<BatchUser[]> {
    const slices = new LoopYielder();
    const keyed: { user: BatchUser; key: string }[] = [];
    for (const user of await this.store.listUsers()) {
      await slices.yieldIfDue();
      const fields = flatten(user);
      if (needle && !Object.values(fields).some((value) => value.toLowerCase().includes(needle))) continue;
      keyed.push({ user, key: fields[sort] ?? '' });
    }
    const sorted = await sortYielding(keyed, (a, b) => direction * numeric.compare(a.key, b.key) || plain.compare(a.user.id, b.user.id), slices);
    return sorted.map(({ user }) => user);
  }
}
