import type { UserResult } from '@/lib/api';
import { resultText } from '@/lib/format';
import { safeFileName } from '@/lib/files';

/** What "Copy {User}'s Result" copies: the final output, a string as it is, JSON indented. */
export function finalResultText(user: UserResult): string {
  return resultText(user.final);
}

/** One user's final result as a file: `.txt` for text, `.json` for anything structured. */
export function userResultFile(user: UserResult, runId: string): { blob: Blob; filename: string } {
  const text = typeof user.final === 'string';
  const body = text ? (user.final as string) : JSON.stringify({ user: user.userName, userId: user.userId, runId, result: user.final }, null, 2);
  return {
    blob: new Blob([body], { type: text ? 'text/plain;charset=utf-8' : 'application/json' }),
    filename: `${safeFileName(user.userId)}-${runId}.${text ? 'txt' : 'json'}`,
  };
}

/** Users with a final result: those the export (and "Copy All") contains. */
export function usersWithResult(users: UserResult[]): UserResult[] {
  return users.filter((user) => 'final' in user && user.final !== undefined);
}
