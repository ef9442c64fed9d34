import { BlockList } from 'node:net';
import { UserscopeConfig } from '@userscope/runtime';
import { IdentityConfig, parseIpOrCidr } from '../identity.config';
import { InvalidIdentityError } from '../exceptions/invalid-identity.exception';
import { MissingIdentityError } from '../exceptions/missing-identity.exception';
import { identityConfigOf } from '../identity-config.section';
import { IdentityMessages } from '../identity.messages';
import { IdentityMode, IdentityRequest, IdentitySecurity } from '../interfaces/identity-mode.interface';

const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * `header`: a proxy in front of the server authenticates the user and names them in a header
 * (`x-user-id`). The header is believed only when the TCP peer is one of `trusted_proxies`;
 * X-Forwarded-For is never read, since any client can send it.
 */
export class HeaderIdentity implements IdentityMode {
  private readonly identity: IdentityConfig;
  private readonly proxies: TrustedProxies;
  readonly security: IdentitySecurity;

  constructor(config: UserscopeConfig) {
    this.identity = identityConfigOf(config);
    this.proxies = new TrustedProxies(this.identity.trusted_proxies);
    const header = this.identity.header_name;
    this.security = {
      name: header,
      scheme: { type: 'apiKey', in: 'header', name: header, description: 'The user id, set by a trusted proxy' },
      namedBy: `the \`${header}\` header of a trusted proxy`,
      verified: true,
    };
  }

  identify(request: IdentityRequest): string | undefined {
    const value = request.headers[this.identity.header_name];
    if (value === undefined) return undefined;
    const peer = request.socket?.remoteAddress;
    if (!peer || !this.proxies.includes(peer)) {
      throw new InvalidIdentityError(IdentityMessages.untrustedProxy(this.identity.header_name, peer ?? 'an unknown address'));
    }
    return Array.isArray(value) ? value.join(',') : value;
  }

  missingIdentity(): MissingIdentityError {
    return new MissingIdentityError(IdentityMessages.missingHeader(this.identity.header_name));
  }
}

/** A list of IPs and CIDRs, IPv4 and IPv6; an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) is its IPv4 address. */
export class TrustedProxies {
  private readonly list = new BlockList();

  constructor(entries: string[]) {
    for (const entry of entries) {
      const parsed = parseIpOrCidr(entry);
      if (!parsed) throw new Error(`not an IP address or CIDR: ${entry}`); // the config validation rejects these first
      const mapped = IPV4_MAPPED.exec(parsed.address);
      // `::ffff:10.0.0.0/104` is 10.0.0.0/8: a mapped prefix counts the 96 bits of `::ffff:0:0/96`.
      if (mapped && (parsed.prefix === undefined || parsed.prefix >= 96)) {
        this.add(mapped[1], parsed.prefix === undefined ? undefined : parsed.prefix - 96, 'ipv4');
      } else {
        this.add(parsed.address, parsed.prefix, parsed.family);
      }
    }
  }

  includes(peer: string): boolean {
    const mapped = IPV4_MAPPED.exec(peer);
    if (mapped && this.list.check(mapped[1], 'ipv4')) return true;
    const family = parseIpOrCidr(peer)?.family;
    try {
      return family !== undefined && this.list.check(peer, family);
    } catch {
      return false; // an address BlockList cannot read (a zone id) is no trusted proxy
    }
  }

  private add(address: string, prefix: number | undefined, family: 'ipv4' | 'ipv6'): void {
    if (prefix === undefined) this.list.addAddress(address, family);
    else this.list.addSubnet(address, prefix, family);
  }
}
