import type { User } from '@/lib/api';

/** The users chosen for the next run, by id, in the order they were picked. */
export type UserSelection = ReadonlyMap<string, User>;

export function withUsers(selection: UserSelection, users: User[]): UserSelection {
  const next = new Map(selection);
  for (const user of users) next.set(user.id, user);
  return next;
}

export function withoutUsers(selection: UserSelection, ids: string[]): UserSelection {
  const next = new Map(selection);
  for (const id of ids) next.delete(id);
  return next;
}
