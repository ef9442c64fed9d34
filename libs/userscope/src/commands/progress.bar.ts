/** Progress of a run on a terminal (one line redrawn), or a line per 10% when not a terminal. */
export class ProgressBar {
  private lastDecile = -1;

  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream,
  ) {}

  update(progress: { succeeded: number; failed: number; cancelled: number; running: number }): void {
    const done = progress.succeeded + progress.failed + progress.cancelled;
    const text = `${done}/${this.total} done (${progress.succeeded} ok, ${progress.failed} failed, ${progress.running} running)`;
    if (this.stream.isTTY) {
      const width = 30;
      const filled = this.total === 0 ? width : Math.round((done / this.total) * width);
      this.stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}`);
      return;
    }
    const decile = this.total === 0 ? 10 : Math.floor((done / this.total) * 10);
    if (decile !== this.lastDecile) {
      this.lastDecile = decile;
      this.stream.write(`${text}\n`);
    }
  }

  finish(): void {
    if (this.stream.isTTY) this.stream.write('\n');
  }
}
