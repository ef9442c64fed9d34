import { createHmac } from 'node:crypto';
import { PSEUDONYM_MEMO_SIZE, userAttributesOf } from './user-pseudonym';

const KEY = 'p'.repeat(32);
const hmac = (id: string) => createHmac('sha256', KEY).update(id).digest('hex');

describe('userAttributesOf', () => {
  it('names a user by the HMAC-SHA256 of their id, the raw id only when an exporter may see it', () => {
    expect(userAttributesOf(KEY, false)('alice')).toEqual({ 'enduser.pseudo.id': hmac('alice') });
    expect(userAttributesOf(KEY, true)('alice')).toEqual({ 'enduser.pseudo.id': hmac('alice'), 'enduser.id': 'alice' });
    expect(userAttributesOf(undefined, true)('alice')).toEqual({ 'enduser.id': 'alice' });
  });

  it('gives every user their own pseudonym past the memo size, and the same one again', () => {
    const attributesOf = userAttributesOf(KEY, false);
    const ids = Array.from({ length: PSEUDONYM_MEMO_SIZE + 5 }, (_, i) => `user-${i}`);
    for (const id of ids) attributesOf(id);
    for (const id of [ids[0], ids[PSEUDONYM_MEMO_SIZE + 4]]) expect(attributesOf(id)['enduser.pseudo.id']).toBe(hmac(id));
  });
});
