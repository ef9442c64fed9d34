import { createPublicKey, createSecretKey, JsonWebKey, KeyObject, X509Certificate } from 'node:crypto';
import { UserscopeConfig } from '@userscope/runtime';
import { JwtAlgorithm } from '../identity.config';
import { identityConfigOf } from '../identity-config.section';
import { identityConfigError, IdentityFile, readIdentityFile } from '../identity-file.reader';
import { IdentityMessages } from '../identity.messages';

/** One verification key and the algorithms it verifies. */
export interface JwtKey {
  key: KeyObject;
  /** Its JWKS `kid`; keys from a secret or a PEM file have none. */
  kid?: string;
  algorithms: JwtAlgorithm[];
}

const EC_ALGORITHM: Record<string, JwtAlgorithm> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };

/**
 * The keys of `jwt` mode: an HS key from `jwt_secret`, or the public keys of `jwt_public_key_file`
 * (PEM, certificate, JWK or JWKS). Which key and algorithm verify a token is decided by the key's
 * type and the config, never by the token's header alone: an RS256 public key is never an HMAC secret.
 */
export class JwtKeySet {
  private constructor(private readonly keys: JwtKey[]) {}

  /** Every algorithm some key accepts. */
  get algorithms(): JwtAlgorithm[] {
    return [...new Set(this.keys.flatMap((key) => key.algorithms))];
  }

  /** Reads the configured key material; problems are ConfigErrors naming the key path and the file. */
  static fromConfig(config: UserscopeConfig): JwtKeySet {
    const identity = identityConfigOf(config);
    if (identity.jwt_secret !== undefined) {
      const key = createSecretKey(Buffer.from(identity.jwt_secret, 'utf8'));
      return new JwtKeySet([{ key, algorithms: identity.jwt_algorithms ?? ['HS256'] }]);
    }
    const file = readIdentityFile(config, 'jwt_public_key_file');
    const found = readPublicKeys(config, file);
    const configured = identity.jwt_algorithms;
    const keys = found.map(({ key, kid, alg }) => {
      const fits = algorithmsFor(config, file, key);
      if (alg !== undefined && !fits.includes(alg)) throw identityConfigError(config, file.key, IdentityMessages.algorithmsMisfit(file.path, [alg], fits));
      const usable = alg !== undefined ? [alg] : fits;
      const algorithms = configured ? usable.filter((candidate) => configured.includes(candidate)) : alg !== undefined ? [alg] : [fits[0]];
      return { key, kid, algorithms };
    });
    const misfits = (configured ?? []).filter((alg) => !keys.some((key) => key.algorithms.includes(alg)));
    if (misfits.length > 0) {
      const fits = [...new Set(found.flatMap(({ key }) => algorithmsFor(config, file, key)))];
      throw identityConfigError(config, 'jwt_algorithms', IdentityMessages.algorithmsMisfit(file.path, misfits, fits));
    }
    return new JwtKeySet(keys.filter((key) => key.algorithms.length > 0));
  }

  /** The key that verifies a token of `alg` and `kid`, or why there is none. */
  select(alg: string, kid: string | undefined): JwtKey | string {
    const candidates = this.keys.filter((key) => (key.algorithms as string[]).includes(alg));
    if (candidates.length === 0) return IdentityMessages.jwtAlgorithm(alg, this.algorithms);
    // A set whose keys have ids picks by id; a single PEM key or secret ignores one.
    if (kid !== undefined && this.keys.some((key) => key.kid !== undefined)) {
      return candidates.find((key) => key.kid === kid) ?? IdentityMessages.jwtUnknownKid();
    }
    return candidates.length === 1 ? candidates[0] : IdentityMessages.jwtNoKid(candidates.length);
  }
}

/** The public keys in a PEM public key, certificate, JWK or JWKS file, with their `kid` and `alg`. */
function readPublicKeys(config: UserscopeConfig, file: IdentityFile): { key: KeyObject; kid?: string; alg?: JwtAlgorithm }[] {
  const fail = (reason: string) => identityConfigError(config, file.key, IdentityMessages.noPublicKey(file.path, reason));
  const text = file.text.trim();
  if (!text.startsWith('{')) {
    try {
      return [{ key: text.includes('-----BEGIN CERTIFICATE-----') ? new X509Certificate(text).publicKey : createPublicKey(text) }];
    } catch (error) {
      throw fail((error as Error).message);
    }
  }
  let document: { keys?: unknown; kty?: unknown };
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw fail(`not JSON: ${(error as Error).message}`);
  }
  const jwks = Array.isArray(document.keys) ? (document.keys as JsonWebKey[]) : document.kty ? [document as JsonWebKey] : undefined;
  if (!jwks) throw fail("a JWKS needs a 'keys' list");
  const kids = new Set<string>();
  const keys = jwks
    .filter((jwk) => jwk?.use === undefined || jwk.use === 'sig')
    .map((jwk) => {
      if (jwk.kty === 'oct') throw identityConfigError(config, file.key, IdentityMessages.symmetricJwk(file.path));
      const kid = typeof jwk.kid === 'string' ? jwk.kid : undefined;
      if (kid !== undefined && kids.has(kid)) throw identityConfigError(config, file.key, IdentityMessages.duplicateKid(file.path, kid));
      if (kid !== undefined) kids.add(kid);
      let key: KeyObject;
      try {
        key = createPublicKey({ key: jwk, format: 'jwk' });
      } catch (error) {
        throw fail(`key ${kid ?? jwks.indexOf(jwk) + 1}: ${(error as Error).message}`);
      }
      return { key, kid, alg: typeof jwk.alg === 'string' ? (jwk.alg as JwtAlgorithm) : undefined };
    });
  if (keys.length === 0) throw identityConfigError(config, file.key, IdentityMessages.noSigningKeys(file.path));
  return keys;
}

/** The algorithms a public key can verify, its usual one first. */
function algorithmsFor(config: UserscopeConfig, file: IdentityFile, key: KeyObject): JwtAlgorithm[] {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
    case 'rsa-pss':
      return ['PS256', 'PS384', 'PS512'];
    case 'ec': {
      const alg = EC_ALGORITHM[key.asymmetricKeyDetails?.namedCurve ?? ''];
      if (alg) return [alg];
      throw identityConfigError(config, file.key, IdentityMessages.unsupportedKey(file.path, `EC ${key.asymmetricKeyDetails?.namedCurve}`));
    }
    default:
      throw identityConfigError(config, file.key, IdentityMessages.unsupportedKey(file.path, String(key.asymmetricKeyType)));
  }
}
