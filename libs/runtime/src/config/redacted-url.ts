/** `redis://user:secret@host:6379/0` as `redis://host:6379/0`: URLs reach logs and errors without their credentials. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}
