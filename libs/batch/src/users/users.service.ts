import { Inject, Injectable } from '@nestjs/common';
import { USERSCOPE_CONFIG, UserscopeConfig } from '@userscope/runtime';
import type { ImportReport, UserPage, UserQuery } from '../api/users.types';
import { BATCH_CONFIG, BATCH_STORE } from '../batch.constants';
import { BatchMessages } from '../batch.messages';
import { badRequest, conflict, notFound } from '../batch-http.errors';
import { BatchConfig } from '../config/batch-config.reader';
import { BatchStore } from '../store/batch-store.interface';
import { BatchUser } from '../store/batch-records';
import { csvDocument, flatten, parseCsv } from './csv';
import { badCsvColumn, checkUser, idFromName, tooDeepCsvColumn, userFromCsv } from './user.record';
import { UserListIndex } from './user-list.index';

/** The users directory: search, paging, CRUD, CSV/JSON import and export. */
@Injectable()
export class UsersService {
  constructor(
    @Inject(BATCH_STORE) private readonly store: BatchStore,
    @Inject(BATCH_CONFIG) private readonly config: BatchConfig,
    @Inject(USERSCOPE_CONFIG) private readonly general: Pick<UserscopeConfig, 'general'>,
    private readonly index: UserListIndex,
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
    const { user, reason } = checkUser(body);
    if (!user) throw badRequest(BatchMessages.invalidUser(reason!));
    const existing = new Set((await this.store.listUsers()).map((u) => u.id));
    if (user.id && existing.has(user.id)) throw conflict(BatchMessages.userExists(user.id));
    if (existing.size >= this.config.settings.max_users) throw badRequest(BatchMessages.tooManyUsers(this.config.settings.max_users));
    const created = { ...user, id: user.id ?? idFromName(user.name, (id) => existing.has(id)) };
    await this.store.putUsers([created]);
    this.index.changed();
    return created;
  }

  async replace(id: string, body: unknown): Promise<BatchUser> {
    await this.get(id);
    const { user, reason } = checkUser(body);
    if (!user) throw badRequest(BatchMessages.invalidUser(reason!));
    if (user.id !== undefined && user.id !== id) throw badRequest(BatchMessages.idMismatch(id, user.id));
    const replaced = { ...user, id };
    await this.store.putUsers([replaced]);
    this.index.changed();
    return replaced;
  }

  async delete(id: string): Promise<void> {
    if (!(await this.store.deleteUser(id))) throw notFound(BatchMessages.noUser(id));
    this.index.changed();
  }

  /** Imports users from CSV text or a JSON array; each bad row is reported, the good ones stored. */
  async import(payload: { csv?: string; json?: unknown }, mode: 'upsert' | 'skip' = 'upsert'): Promise<ImportReport> {
    return (await this.importUsers(payload, mode)).report;
  }

  /** `import()`, also telling the ids of the users stored. */
  async importUsers(payload: { csv?: string; json?: unknown }, mode: 'upsert' | 'skip' = 'upsert'): Promise<{ report: ImportReport; ids: string[] }> {
    const candidates = payload.csv !== undefined ? this.csvCandidates(payload.csv) : this.jsonCandidates(payload.json);
    const existing = new Set((await this.store.listUsers()).map((user) => user.id));
    const rejected: ImportReport['rejected'] = [];
    const accepted = new Map<string, BatchUser>();
    for (const candidate of candidates) {
      if ('reason' in candidate) {
        rejected.push(candidate);
        continue;
      }
      const { user, reason } = checkUser(candidate.value);
      if (!user) {
        rejected.push({ row: candidate.row, reason: reason! });
        continue;
      }
      const id = user.id ?? idFromName(user.name, (taken) => existing.has(taken) || accepted.has(taken));
      if (accepted.has(id)) {
        rejected.push({ row: candidate.row, reason: `the id '${id}' appears twice in the import` });
        continue;
      }
      if (mode === 'skip' && existing.has(id)) {
        rejected.push({ row: candidate.row, reason: `a user with id '${id}' already exists` });
        continue;
      }
      accepted.set(id, { ...user, id });
    }
    const newUsers = [...accepted.keys()].filter((id) => !existing.has(id)).length;
    if (existing.size + newUsers > this.config.settings.max_users) throw badRequest(BatchMessages.tooManyUsers(this.config.settings.max_users));
    await this.store.putUsers([...accepted.values()]);
    this.index.changed();
    return { report: { imported: accepted.size, rejected }, ids: [...accepted.keys()] };
  }

  async export(format: 'json' | 'csv'): Promise<string> {
    const users = (await this.store.listUsers()).sort((a, b) => a.id.localeCompare(b.id));
    if (format === 'json') return JSON.stringify(users);
    const flat = users.map((user) => flatten(user));
    const columns = ['id', 'name', ...[...new Set(flat.flatMap((row) => Object.keys(row)))].filter((c) => c !== 'id' && c !== 'name').sort()];
    return csvDocument(columns, flat.map((row) => columns.map((column) => row[column] ?? '')));
  }

  private csvCandidates(text: string): ({ row: number; value: unknown } | { row: number; reason: string })[] {
    let parsed: ReturnType<typeof parseCsv>;
    try {
      parsed = parseCsv(text);
    } catch (error) {
      throw badRequest(BatchMessages.badImport((error as Error).message));
    }
    const [header, ...rows] = parsed.rows;
    const columns = header?.map((column) => column.trim()) ?? [];
    if (!columns.includes('name')) throw badRequest(BatchMessages.csvHeader());
    const badColumn = badCsvColumn(columns);
    if (badColumn !== undefined) throw badRequest(BatchMessages.csvColumn(badColumn));
    const { max_json_depth } = this.general.general;
    const deepColumn = tooDeepCsvColumn(columns, max_json_depth);
    if (deepColumn !== undefined) throw badRequest(BatchMessages.csvColumnTooDeep(deepColumn, max_json_depth));
    return rows.map((cells, i) => {
      const row = parsed.lines[i + 1];
      if (cells.length !== columns.length) return { row, reason: BatchMessages.csvCells(cells.length, columns.length) };
      return { row, value: userFromCsv(columns, cells) };
    });
  }

  private jsonCandidates(json: unknown): { row: number; value: unknown }[] {
    if (!Array.isArray(json)) throw badRequest(BatchMessages.badImport('a JSON import must be an array of users'));
    return json.map((value, i) => ({ row: i + 1, value }));
  }
}
