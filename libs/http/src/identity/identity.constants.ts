/** NAT's cookie naming the user (`general.identity.cookie_name` by default). */
export const DEFAULT_SESSION_COOKIE = 'nat-session';
