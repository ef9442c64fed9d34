import { Inject, Injectable } from '@nestjs/common';
import { BATCH_STORE } from '../batch.constants';
import { BatchMessages } from '../batch.messages';
import { badRequest } from '../batch-http.errors';
import { BatchStore } from '../store/batch-store.interface';
import type { UserSelection } from '../api/users.types';
import { BatchUser } from '../store/batch-records';

/** Turns a selection (`{ userIds: [...] }` or `{ all: true }`) into the directory's users; unknown ids are refused. */
@Injectable()
export class UserSelector {
  constructor(@Inject(BATCH_STORE) private readonly store: BatchStore) {}

  async select(selection: UserSelection): Promise<BatchUser[]> {
    const { userIds, all } = selection;
    if (all === true) return this.store.listUsers();
    if (!Array.isArray(userIds) || userIds.length === 0 || !userIds.every((id) => typeof id === 'string')) {
      throw badRequest(BatchMessages.noUsersSelected());
    }
    const unique = [...new Set(userIds)];
    const found = await this.store.getUsers(unique);
    const unknown = unique.filter((_, i) => !found[i]);
    if (unknown.length > 0) throw badRequest(BatchMessages.unknownUsers(unknown));
    return found as BatchUser[];
  }
}
