const PER_USER = 'This workflow is per-user:';

/** Every text of identity: what a caller without identity must send, why a credential was refused, bad key files. */
export const IdentityMessages = {
  // What each mode expects from a caller without identity (401 missing_identity).
  missingCookie: (cookie: string) => `${PER_USER} identify the caller with the '${cookie}' cookie, e.g. 'Cookie: ${cookie}=alice'.`,
  missingSignedCookie: (cookie: string) =>
    `${PER_USER} send the signed '${cookie}' cookie, 'Cookie: ${cookie}=<user id>.<signature>' (HMAC-SHA256 of the user id with the server's secret, base64url).`,
  missingBearer: (claim: string) => `${PER_USER} send 'Authorization: Bearer <JWT>', a signed token whose '${claim}' claim is the user id.`,
  missingHeader: (header: string) => `${PER_USER} the '${header}' header, set by a trusted proxy, names the user.`,
  missingApiKey: (header: string) => `${PER_USER} send your API key as '${header}: <key>'.`,

  // Why a credential was refused (401 invalid_identity).
  invalidSignedCookie: (cookie: string, reason: string, issuing: boolean) =>
    `The '${cookie}' cookie is not valid: ${reason}. ` +
    (issuing ? 'Send the cookie as the server issued it, or none to be given a new one.' : "It must be '<user id>.<signature>' signed with the server's secret."),
  cookieUnsigned: () => "it is not signed (expected '<user id>.<signature>')",
  cookieBadSignature: () => 'its signature does not match (tampered with, or signed with another secret)',

  invalidBearer: (reason: string) => `The bearer token was refused: ${reason}.`,
  notBearer: () => "the Authorization header must be 'Bearer <JWT>'",
  jwtMalformed: () => 'it is not a well-formed JWT (header.payload.signature, base64url)',
  jwtUnsigned: () => "it is unsigned ('alg: none'), and unsigned tokens are never accepted",
  jwtAlgorithm: (alg: string, accepted: string[]) => `its algorithm ${alg} is not accepted (accepted: ${accepted.join(', ')})`,
  jwtUnknownKid: () => "its key id ('kid') names no key of the server's key set",
  jwtNoKid: (keys: number) => `it names no key ('kid'), and the server's key set holds ${keys} keys for its algorithm`,
  jwtBadSignature: () => 'its signature does not verify (bad signature)',
  jwtExpired: (at: Date) => `it expired at ${at.toISOString()} (exp)`,
  jwtNoExpiry: () => "it has no expiry ('exp'), and the server requires one (general.identity.jwt_require_exp)",
  jwtTooOld: (maxAge: number) => `it was issued more than ${maxAge}s ago ('iat'), the server's limit (general.identity.jwt_max_age)`,
  jwtNoIssuedAt: (maxAge: number) => `it has no 'iat' claim, which the server needs to hold it to jwt_max_age (${maxAge}s)`,
  jwtNotYetValid: (from: Date) => `it is not valid before ${from.toISOString()} (nbf)`,
  jwtWrongAudience: () => "its audience ('aud') is not one this server accepts",
  jwtWrongIssuer: () => "its issuer ('iss') is not one this server accepts",
  jwtNotObject: () => 'its payload is not a JSON object of claims',
  jwtMissingClaim: (claim: string) => `it has no '${claim}' claim, which names the user`,
  jwtBadClaim: (claim: string, pattern: string) => `its '${claim}' claim is not a valid user id: it must be a string matching ${pattern}`,
  jwtRefused: (reason: string) => `it failed verification (${reason})`,

  untrustedProxy: (header: string, peer: string) =>
    `The '${header}' header is accepted only from a trusted proxy (general.identity.trusted_proxies); this request came from ${peer}.`,
  unknownApiKey: (header: string) => `The API key in ${header} is not known to the server.`,

  // Key and secret files, reported at startup as config issues.
  unreadableFile: (file: string, reason: string) => `cannot read ${file}: ${reason}`,
  noPublicKey: (file: string, reason: string) =>
    `${file} holds no usable public key (a PEM public key or certificate, or a JWKS JSON file): ${reason}`,
  symmetricJwk: (file: string) => `${file} holds a symmetric key (kty 'oct'); HMAC secrets belong in jwt_secret, not in a public key file`,
  unsupportedKey: (file: string, type: string) => `${file}: ${type} keys are not supported; use an RSA or EC (P-256, P-384, P-521) key`,
  noSigningKeys: (file: string) => `${file} holds no signing keys (a JWKS needs at least one key whose 'use' is 'sig' or absent)`,
  duplicateKid: (file: string, kid: string) => `${file} holds two keys with kid '${kid}'; key ids must be unique`,
  algorithmsMisfit: (file: string, algorithms: string[], fits: string[]) =>
    `${algorithms.join(', ')} cannot be verified with the key in ${file}; it takes ${fits.join(', ') || 'none of the accepted algorithms'}`,
  keysFileShape: (file: string) =>
    `${file} must be a mapping of API key to user id ({"<key>": "<user id>"}) or a list of {key, user}`,
  keysFileEntry: (file: string, entry: string, problem: string) => `${file}, ${entry}: ${problem}`,
  apiKeyTooShort: (min: number) => `the key is shorter than ${min} characters`,
  apiKeyTwice: () => 'the key is listed twice',
  apiKeyUser: (pattern: string) => `the user id must match ${pattern}`,
  keysFileEmpty: (file: string) => `${file} lists no API keys`,
} as const;
