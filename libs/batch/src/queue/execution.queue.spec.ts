import { ReplyError } from 'ioredis';
import { isOutage } from './execution.queue';

describe('isOutage: which failed queue calls are a Redis outage (503) and which are bugs', () => {
  const ready = { status: 'ready' as const };

  it('takes any failure while the connection is not ready for an outage', () => {
    expect(isOutage(new Error('whatever BullMQ says'), { status: 'reconnecting' })).toBe(true);
    expect(isOutage(new Error('whatever BullMQ says'), undefined)).toBe(true);
  });

  it('takes timeouts, refused and closed connections for an outage on a ready connection', () => {
    expect(isOutage(new Error('Command timed out'), ready)).toBe(true);
    expect(isOutage(Object.assign(new Error('Reached the max retries per request limit'), { name: 'MaxRetriesPerRequestError' }), ready)).toBe(true);
    expect(isOutage(new Error('connect ECONNREFUSED 127.0.0.1:6379'), ready)).toBe(true);
  });

  it('takes a Redis that is loading or busy for an outage, and its other error replies for bugs', () => {
    expect(isOutage(new ReplyError('LOADING Redis is loading the dataset in memory'), ready)).toBe(true);
    expect(isOutage(new ReplyError('BUSY Redis is busy running a script'), ready)).toBe(true);
    expect(isOutage(new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value'), ready)).toBe(false);
  });

  it("leaves BullMQ's own refusals as they are", () => {
    expect(isOutage(new Error('Custom Ids cannot be integers'), ready)).toBe(false);
  });
});
