import { hostname } from 'node:os';
import { ReplicaIdentity } from './replica-identity';

describe('ReplicaIdentity', () => {
  it('is <hostname>-<pid> unless replica_id names it', () => {
    expect(new ReplicaIdentity({}).id).toBe(`${hostname()}-${process.pid}`);
    expect(new ReplicaIdentity({ replica_id: 'web-1' }).id).toBe('web-1');
  });

  it('advertises the configured URL, without a trailing slash', () => {
    expect(new ReplicaIdentity({ advertise_url: 'http://web-1.internal:8000/' }).advertiseUrl).toBe('http://web-1.internal:8000');
  });

  it('otherwise advertises where the server listens, once it does', () => {
    let address: { address: string; family: string; port: number } | null = null;
    const identity = new ReplicaIdentity({}, () => address);
    expect(identity.advertiseUrl).toBeUndefined(); // not listening yet
    address = { address: '127.0.0.1', family: 'IPv4', port: 8123 };
    expect(identity.advertiseUrl).toBe('http://127.0.0.1:8123');
  });

  it.each([
    ['0.0.0.0', `http://${hostname()}:9000`],
    ['::', `http://${hostname()}:9000`],
    ['::1', 'http://[::1]:9000'],
    ['10.0.0.7', 'http://10.0.0.7:9000'],
    ['fd00::7', 'http://[fd00::7]:9000'],
  ])('bound to %s: %s', (bound, url) => {
    expect(new ReplicaIdentity({}, () => ({ address: bound, family: '', port: 9000 })).advertiseUrl).toBe(url);
  });
});
