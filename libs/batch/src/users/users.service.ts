import { Inject, Injectable } from '@nestjs/common';
import { USERSCOPE_CONFIG, UserDataRegistry, UserscopeConfig } from '@userscope/runtime';
import type { ImportReport, UserPage, UserQuery } from '../api/users.types';
import { BATCH_CONFIG, BATCH_STORE } from '../batch.constants';
import { BatchMessages } from '../batch.messages';
import { badRequest, conflict, notFound } from '../batch-http.errors';
import { BatchConfig } from '../config/batch-config.reader';
import { BatchStore } from '../store/batch-store.interface';
import { BatchUser } from '../store/batch-records';
import { LoopYielder } from '../event-loop/loop.yielder';
import { csvDocument } from '@userscope/runtime';
import { flatten } from './csv';
import { csvCandidates, jsonCandidates } from './import.candidates';
import { checkUser, cleanUser, idFromName } from './user.record';
import { UserIdAllocator } from './user-id.allocator';
import { UserListIndex } from './user-list.index';

/** Users an import writes to the store at once: its memory is one batch of users, not the file's. */
const IMPORT_BATCH = 1000;

/** The users directory: search, paging, CRUD, CSV/JSON import and export. */
@Injectable()
export class UsersService {
  constructor(
    @Inject(BATCH_STORE) private readonly store: BatchStore,
    @Inject(BATCH_CONFIG) private readonly config: BatchConfig,
    @Inject(USERSCOPE_CONFIG) private readonly general: Pick<UserscopeConfig, 'general'>,
    private readonly index: UserListIndex,
    private readonly userData: UserDataRegistry,
  ) {}

  async list(query: UserQuery): Promise<UserPage> {
    const users = await this.index.list(query.search?.trim().toLowerCase() || undefined, query.sort ?? 'name', query.order ?? 'asc');
    const offset = Math.max(0, query.offset ?? 0);
    const limit = Math.min(Math.max(1, query.limit ?? 50), 1000);
    return { items: users.slice(offset, offset + limit), total: users.length };
  }

  async get(id: string): Promise<BatchUser> {
    const [user] = await this.store.getUsers([id]);
    if (!user) throw notFound(BatchMessages.noUser(id));
    return user;
  }

  async create(body: unknown): Promise<BatchUser> {
    const user = checkedUser(body);
    const existing = new Set((await this.store.listUsers()).map((u) => u.id));
    if (user.id && existing.has(user.id)) throw conflict(BatchMessages.userExists(user.id), [{ field: 'id', errors: [BatchMessages.idTaken()] }]);
    if (existing.size >= this.config.settings.max_users) throw badRequest(BatchMessages.tooManyUsers(this.config.settings.max_users));
    const created = { ...user, id: user.id ?? idFromName(user.name, (id) => existing.has(id)) };
    await this.store.putUsers([created]);
    this.index.changed();
    return created;
  }

  async replace(id: string, body: unknown): Promise<BatchUser> {
    await this.get(id);
    const user = checkedUser(body);
    if (user.id !== undefined && user.id !== id) throw badRequest(BatchMessages.idMismatch(id, user.id), [{ field: 'id', errors: [BatchMessages.idFixed()] }]);
    const replaced = { ...user, id };
    await this.store.putUsers([replaced]);
    this.index.changed();
    return replaced;
  }

  /**
   * Deletes the user: what other libraries keep of them (their secrets) first, so a store that is
   * down (503) leaves the user listed for the retry; then their directory entry. A user the directory
   * never had is deleted all the same when something is kept of them; 404 when nothing is.
   */
  async delete(id: string): Promise<void> {
    const kept = await this.userData.deleteUser(id);
    const listed = await this.store.deleteUser(id);
    if (listed) this.index.changed();
    if (!listed && kept === 0) throw notFound(BatchMessages.noUser(id));
  }

  /** Imports users from CSV text or a JSON array; each bad row is reported, the good ones stored. */
  async import(payload: { csv?: string; json?: unknown }, mode: 'upsert' | 'skip' = 'upsert'): Promise<ImportReport> {
    return (await this.importUsers(payload, mode)).report;
  }

  /**
   * `import()`, also telling the ids of the users stored. In two passes over the rows, each in slices
   * of the event loop: the first decides every row (its id, or why it is rejected) keeping only ids,
   * so `max_users` is checked before anything is written; the second writes the accepted users
   * IMPORT_BATCH at a time. A 50 MB import held the loop for 7 s and 1.7 GB of rows at once (issue 11).
   */
  async importUsers(payload: { csv?: string; json?: unknown }, mode: 'upsert' | 'skip' = 'upsert'): Promise<{ report: ImportReport; ids: string[] }> {
    const candidates = () =>
      payload.csv !== undefined ? csvCandidates(payload.csv, this.general.general.max_json_depth) : jsonCandidates(payload.json);
    const existing = new Set((await this.store.listUsers()).map((user) => user.id));
    const rejected: ImportReport['rejected'] = [];
    const accepted = new Set<string>();
    const idOfRow: (string | undefined)[] = []; // by candidate, the id it is stored as, or undefined when rejected
    const newIds = new UserIdAllocator((taken) => existing.has(taken) || accepted.has(taken));
    const slices = new LoopYielder();
    for (const candidate of candidates()) {
      idOfRow.push(undefined);
      await slices.yieldIfDue();
      if ('reason' in candidate) {
        rejected.push(candidate);
        continue;
      }
      const { user, reason } = checkUser(candidate.value);
      if (!user) {
        rejected.push({ row: candidate.row, reason: reason! });
        continue;
      }
      const id = user.id ?? newIds.idFor(user.name);
      if (accepted.has(id)) {
        rejected.push({ row: candidate.row, reason: `the id '${id}' appears twice in the import` });
        continue;
      }
      if (mode === 'skip' && existing.has(id)) {
        rejected.push({ row: candidate.row, reason: `a user with id '${id}' already exists` });
        continue;
      }
      accepted.add(id);
      idOfRow[idOfRow.length - 1] = id;
    }
    let newUsers = 0;
    for (const id of accepted) if (!existing.has(id)) newUsers++;
    if (existing.size + newUsers > this.config.settings.max_users) throw badRequest(BatchMessages.tooManyUsers(this.config.settings.max_users));
    let batch: BatchUser[] = [];
    let index = 0;
    for (const candidate of candidates()) {
      const id = idOfRow[index++];
      if (id === undefined || 'reason' in candidate) continue;
      batch.push({ ...cleanUser(candidate.value as Record<string, unknown>), id });
      if (batch.length === IMPORT_BATCH) {
        await this.store.putUsers(batch);
        batch = [];
      }
      await slices.yieldIfDue();
    }
    await this.store.putUsers(batch);
    this.index.changed();
    return { report: { imported: accepted.size, rejected }, ids: [...accepted] };
  }

  async export(format: 'json' | 'csv'): Promise<string> {
    const users = (await this.store.listUsers()).sort((a, b) => a.id.localeCompare(b.id));
    if (format === 'json') return JSON.stringify(users);
    const flat = users.map((user) => flatten(user));
    const columns = ['id', 'name', ...[...new Set(flat.flatMap((row) => Object.keys(row)))].filter((c) => c !== 'id' && c !== 'name').sort()];
    return csvDocument(columns, flat.map((row) => columns.map((column) => row[column] ?? '')));
  }
}

/** The user of an API body, or a 400 naming the field at fault in `details` (`[{field, errors}]`, as body validation does). */
function checkedUser(body: unknown): BatchUser {
  const checked = checkUser(body);
  if (checked.user) return checked.user;
  throw badRequest(BatchMessages.invalidUser(checked.reason), checked.field ? [checked.field] : undefined);
}
