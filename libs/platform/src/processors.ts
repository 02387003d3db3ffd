/**
 * Background processors (relays, projections, Kafka consumers) report here; readiness and the
 * admin status endpoints read it. A processor that is not ready makes the service unready.
 */
export interface ProcessorStatus {
  name: string;
  ready: boolean;
  /** Events or messages known but not yet handled, when the processor can tell. */
  lag?: number;
  lastProgressAt?: string;
  details?: Record<string, unknown>;
}

export interface Processor {
  status(): ProcessorStatus;
}

export class ProcessorRegistry {
  private readonly processors = new Set<Processor>();

  register(processor: Processor): () => void {
    this.processors.add(processor);
    return () => this.processors.delete(processor);
  }

  statuses(): ProcessorStatus[] {
    return [...this.processors].map((p) => p.status());
  }
}
