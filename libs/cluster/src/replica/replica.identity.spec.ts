import { advertisedAddress, defaultReplicaId, ReplicaIdentity } from './replica.identity';
import { ClusterConfig } from '../config/cluster.config';

const config = (extra: Partial<ClusterConfig> = {}) => Object.assign(new ClusterConfig(), { redis_url: 'redis://x', ...extra });
const serverAt = (address: unknown) => ({ httpAdapter: { getHttpServer: () => ({ address: () => address }) } }) as any;

describe('ReplicaIdentity', () => {
  it('is <hostname>-<pid> by default, kept to the replica_id alphabet and 64 characters', () => {
    expect(defaultReplicaId('web-1.example', 42)).toBe('web-1.example-42');
    expect(defaultReplicaId('höst name', 7)).toBe('h-st-name-7');
    const long = defaultReplicaId('h'.repeat(100), 1234567);
    expect(long).toHaveLength(64);
    expect(long.endsWith('-1234567')).toBe(true);
    expect(new ReplicaIdentity(config()).id).toBe(defaultReplicaId());
    expect(new ReplicaIdentity(config({ replica_id: 'r1' })).id).toBe('r1');
  });

  it('advertises the bound address, or the hostname when bound to every interface', () => {
    expect(advertisedAddress({ address: '127.0.0.1', family: 'IPv4', port: 8001 }, 'host')).toBe('http://127.0.0.1:8001');
    expect(advertisedAddress({ address: '::1', family: 'IPv6', port: 8001 }, 'host')).toBe('http://[::1]:8001');
    expect(advertisedAddress({ address: '0.0.0.0', family: 'IPv4', port: 8001 }, 'host')).toBe('http://host:8001');
    expect(advertisedAddress({ address: '::', family: 'IPv6', port: 8001 }, 'host')).toBe('http://host:8001');
  });

  it('knows its address once listening (the port may be picked then), or from advertise_url at once', () => {
    const before = new ReplicaIdentity(config(), serverAt(null));
    expect(before.listening).toBe(false);
    expect(() => before.address).toThrow(/advertise_url/);
    const after = new ReplicaIdentity(config(), serverAt({ address: '127.0.0.1', family: 'IPv4', port: 40001 }));
    expect([after.listening, after.address]).toEqual([true, 'http://127.0.0.1:40001']);
    expect(new ReplicaIdentity(config({ advertise_url: 'http://r1.internal:8000/' }), serverAt(null)).address).toBe('http://r1.internal:8000');
    expect(new ReplicaIdentity(config()).servesHttp).toBe(false);
  });
});
