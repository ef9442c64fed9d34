import { ForwardTarget } from './owner.proxy';

/** The longest a liveness probe waits: an owner that cannot say `healthy` in this long cannot serve either. */
const MAX_PROBE_MS = 2_000;

/**
 * Whether an owner that is slow to answer a forwarded request is alive at all. A paused process
 * (SIGSTOP) still has its connections accepted by the kernel, so only an answer tells: its
 * `/health` is asked, on a connection of its own. An owner found unresponsive is remembered until
 * its lease would run out, so that its other users are answered at once instead of each waiting.
 */
export class OwnerLiveness {
  /** Replica id -> until when (ms epoch) its users are answered 503 without forwarding. */
  private readonly unresponsive = new Map<string, number>();
  private readonly probeTimeoutMs: number;

  constructor(forwardTimeoutMs: number) {
    this.probeTimeoutMs = Math.min(forwardTimeoutMs, MAX_PROBE_MS);
  }

  /** Whether `target` answers its /health (any status) within the probe timeout. */
  async answers(target: ForwardTarget): Promise<boolean> {
    try {
      const response = await fetch(new URL('/health', target.url), { signal: AbortSignal.timeout(this.probeTimeoutMs) });
      await response.body?.cancel();
      return true;
    } catch {
      return false;
    }
  }

  /** `replica` did not answer: its users are refused at once for `forMs` (what its lease had left). */
  markUnresponsive(replica: string, forMs: number): void {
    if (forMs > 0) this.unresponsive.set(replica, Date.now() + forMs);
  }

  isUnresponsive(replica: string): boolean {
    const until = this.unresponsive.get(replica);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.unresponsive.delete(replica);
    return false;
  }

  /** `replica` answered after all (it woke up): forward to it again. */
  markAlive(replica: string): void {
    this.unresponsive.delete(replica);
  }
}
