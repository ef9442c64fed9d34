import { createHmac } from 'node:crypto';
import { Attributes } from '@opentelemetry/api';
import { RAW_USER_ATTRIBUTE } from './exporter-view';

/**
 * The attributes naming a user on spans: `enduser.pseudo.id`, HMAC-SHA256 of the id keyed by
 * `user_id_key` (stable, so one user's traces can be found, and not reversible without the key);
 * the raw id as `enduser.id` too when an exporter has `include_user_id: true` (the others drop it).
 */
export function userAttributesOf(key: string | undefined, includeRawId: boolean): (userId: string) => Attributes {
  return (userId) => ({
    ...(key === undefined ? {} : { 'enduser.pseudo.id': createHmac('sha256', key).update(userId).digest('hex') }),
    ...(includeRawId ? { [RAW_USER_ATTRIBUTE]: userId } : {}),
  });
}
