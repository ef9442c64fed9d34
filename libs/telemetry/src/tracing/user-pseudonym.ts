import { createHmac } from 'node:crypto';
import { Attributes } from '@opentelemetry/api';
import { RAW_USER_ATTRIBUTE } from './exporter-view';

/** Users whose pseudonym is kept, so a user's requests do not compute the HMAC each time; past it the memo starts over. */
export const PSEUDONYM_MEMO_SIZE = 10_000;

/**
 * The attributes naming a user on spans: `enduser.pseudo.id`, HMAC-SHA256 of the id keyed by
 * `user_id_key` (stable, so one user's traces can be found, and not reversible without the key);
 * the raw id as `enduser.id` too when an exporter has `include_user_id: true` (the others drop it).
 */
export function userAttributesOf(key: string | undefined, includeRawId: boolean): (userId: string) => Attributes {
  const memo = new Map<string, Attributes>();
  return (userId) => {
    let attributes = memo.get(userId);
    if (attributes) return attributes;
    attributes = {
      ...(key === undefined ? {} : { 'enduser.pseudo.id': createHmac('sha256', key).update(userId).digest('hex') }),
      ...(includeRawId ? { [RAW_USER_ATTRIBUTE]: userId } : {}),
    };
    if (memo.size >= PSEUDONYM_MEMO_SIZE) memo.clear();
    memo.set(userId, attributes);
    return attributes;
  };
}
