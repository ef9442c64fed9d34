/** The admin token the page sends as `Authorization: Bearer`, kept in this browser's localStorage. */

const STORAGE_KEY = 'userscope.adminToken';
const listeners = new Set<() => void>();

export function getAdminToken(): string {
  try {
    return localStorage.getItem(STORAGE_KEY) ?? '';
  } catch {
    return ''; // storage blocked (private mode, sandboxed frame): no token
  }
}

export function setAdminToken(token: string): void {
  const value = token.trim();
  try {
    if (value) localStorage.setItem(STORAGE_KEY, value);
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    /* storage blocked: the token lasts until the page reloads */
  }
  listeners.forEach((listener) => listener());
}

/** Calls `listener` whenever the token changes; returns the unsubscribe. */
export function onAdminTokenChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
