/**
 * Ids from names for many users at once (an import): `Alice Johnson` → `alice-johnson`, then
 * `alice-johnson-2`, … Remembers per name the next suffix to try, so n users of one name cost n
 * look-ups, not n²/2. Valid while `taken` only grows, as it does during one import.
 */
export class UserIdAllocator {
  private readonly nextSuffix = new Map<string, number>();

  constructor(private readonly taken: (id: string) => boolean) {}

  idFor(name: string): string {
    const base = idBaseFromName(name);
    let n = this.nextSuffix.get(base);
    if (n === undefined) {
      if (!this.taken(base)) return base;
      n = 2;
    }
    while (this.taken(`${base}-${n}`)) n++;
    this.nextSuffix.set(base, n + 1);
    return `${base}-${n}`;
  }
}

/** `Alice Johnson` → `alice-johnson`: the id a name gives before any suffix. */
function idBaseFromName(name: string): string {
  return name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 100) || 'user';
}
