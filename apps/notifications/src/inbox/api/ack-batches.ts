import type { Ack } from '../acks/acks.service';

/**
 * A connection's acknowledgements, gathered for `intervalMs` and written at once: per audience only
 * the highest seq counts (an ack covers everything before it), and a connection never has more
 * than one write in flight, so however fast it sends it holds at most one database connection.
 */
export class AckBatches {
  private pending = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private writing = false;
  private closing = false;

  constructor(
    private readonly write: (acks: Ack[]) => Promise<void>,
    private readonly intervalMs: number,
  ) {}

  add(audience: string, seq: number): void {
    if (this.closing) return;
    this.pending.set(audience, Math.max(seq, this.pending.get(audience) ?? 0));
    this.schedule();
  }

  /** No more acks come; those gathered are still written, at once. */
  close(): void {
    this.closing = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.writing) void this.flush();
  }

  private schedule(): void {
    if (this.writing || this.timer) return;
    this.timer = setTimeout(() => void this.flush(), this.intervalMs);
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const batch = [...this.pending].map(([audience, seq]) => ({ audience, seq }));
    this.pending = new Map();
    this.writing = true;
    try {
      await this.write(batch);
    } finally {
      this.writing = false;
      if (this.pending.size > 0) {
        if (this.closing) void this.flush();
        else this.schedule();
      }
    }
  }
}
