import 'reflect-metadata';
import { FactoryProvider } from '@nestjs/common';
import Redis from 'ioredis';
import { NO_SESSION_STATE, SessionBackends } from '@userscope/runtime';
import { ClusterConfig } from '../config/cluster.config';
import { RedisSessionStateStore } from './redis-session-state.store';
import { sessionStateProviders } from './session-state.providers';

const cluster = Object.assign(new ClusterConfig(), { redis_url: 'redis://:secret@127.0.0.1:6379' });
const settings = { session_state: 'redis' as const, session_state_ttl: 60, session_state_max_bytes: 1024 };

describe('sessionStateProviders', () => {
  it('provides nothing unless general.session_state is redis: sessions keep the memory default', () => {
    expect(sessionStateProviders(cluster, undefined)).toEqual([]);
    expect(sessionStateProviders(cluster, { ...settings, session_state: 'memory' })).toEqual([]);
  });

  it("with redis, builds the Redis store on the cluster's connection and puts it into SessionBackends", () => {
    const [provider] = sessionStateProviders(cluster, settings) as FactoryProvider[];
    const backends = new SessionBackends();
    expect(backends.state).toBe(NO_SESSION_STATE);
    const redis = new Redis({ lazyConnect: true });
    const store = provider.useFactory(redis, backends);
    expect(store).toBeInstanceOf(RedisSessionStateStore);
    expect(backends.state).toBe(store);
    expect(backends.state.persistent).toBe(true);
    redis.disconnect();
  });
});
