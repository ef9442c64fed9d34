/** The route each replica takes calls of its users' functions on, from the other replicas (not in the OpenAPI document). */
export const INVOCATION_ROUTE = 'internal/users/:user_id/functions/:name/invoke';

/** The path of one call: `userId`'s function `name`. */
export function invocationPath(userId: string, name: string): string {
  return `/internal/users/${encodeURIComponent(userId)}/functions/${encodeURIComponent(name)}/invoke`;
}

/** The calls' body type: JSON, handed to the route as its very text, which the signature covers. */
export const INVOCATION_CONTENT_TYPE = 'application/vnd.userscope.call+json';

/** The signature of a call between replicas: `v1=<hex HMAC-SHA256>`, over method, path, timestamp, nonce and the body's SHA-256. */
export const SIGNATURE_HEADER = 'x-userscope-cluster-signature';
/** When the call was signed, ms since the epoch. */
export const TIMESTAMP_HEADER = 'x-userscope-cluster-timestamp';
/** A random value per call: a call received twice is refused. */
export const NONCE_HEADER = 'x-userscope-cluster-nonce';

/** How far a call's timestamp may be from the receiver's clock: its validity, and the skew between machines tolerated. */
export const SIGNATURE_WINDOW_MS = 30_000;
