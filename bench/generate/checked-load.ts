import { assertAllSucceeded, LoadResult, runLoad } from '../harness/load';
import { assertSameReplies, replyTranscript } from './conformance';
import { loadMix } from './request-mix';

export interface CheckedLoadSettings {
  warmupSeconds: number;
  seconds: number;
  connections: number;
}

/**
 * The /generate load of the benches that serve the seed example: each server's replies checked
 * byte for byte against the reference server's (`checkReplies`), a warm-up that opens every user,
 * then the measured run. Any reply that is not a 2xx fails the bench: a fast error measures nothing.
 */
export class CheckedLoad {
  private reference: string[] | undefined;

  constructor(private readonly settings: CheckedLoadSettings) {}

  /** The reply check; the first server checked with `isReference` gives the replies the others must give. Returns the requests it sent. */
  async checkReplies(url: string, label: string, isReference: boolean): Promise<number> {
    const transcript = await replyTranscript(url);
    if (isReference) this.reference ??= transcript;
    if (this.reference) assertSameReplies(this.reference, transcript, label);
    return transcript.length;
  }

  async warmUp(url: string, label: string): Promise<LoadResult> {
    const result = await runLoad({ url, connections: this.settings.connections, seconds: this.settings.warmupSeconds, next: loadMix() });
    assertAllSucceeded(result, `${label} warm-up`);
    return result;
  }

  async measure(url: string, label: string): Promise<LoadResult> {
    const result = await runLoad({ url, connections: this.settings.connections, seconds: this.settings.seconds, next: loadMix() });
    assertAllSucceeded(result, label);
    return result;
  }
}
