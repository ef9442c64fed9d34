/** RFC 7235: the scheme is case-insensitive (`Bearer`, `bearer`, `BEARER`); RFC 6750's token68 follows. */
const BEARER = /^bearer +([^\s]+) *$/i;

/** The token of an `Authorization: Bearer <token>` header, undefined for any other header or none. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
}
