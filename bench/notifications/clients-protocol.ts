/** One client of the load process: its bearer token and the shop (index) whose notifications it should get. */
export interface ClientSpec {
  token: string;
  shop: number;
}

/**
 * The run's events, as the bench appended them, column by column: what each client's receipts
 * are judged against. `counted`: appended after every client was welcomed, so every client of
 * its shop must get it exactly once. `timed`: appended inside the measured window (latency).
 */
export interface EventTable {
  ids: string[];
  shop: number[];
  appendedAt: number[];
  counted: boolean[];
  timed: boolean[];
  /** The measured window in wall-clock ms: frames received inside it count towards notifications/s. */
  windowFrom: number;
  windowTo: number;
  /** Latency is also summarised per slice of this many ms of append time, from windowFrom: steady, or growing. */
  sliceMs: number;
}

export type WorkerRequest = { cmd: 'connect' } | { cmd: 'progress' } | { cmd: 'report'; table: EventTable } | { cmd: 'close' };

export interface WorkerReport {
  /** Notification frames received, all of them, and those received inside the measured window. */
  receipts: number;
  receiptsInWindow: number;
  /** Σ over clients of the counted events of its shop: deliveries owed. */
  expected: number;
  /** Owed deliveries that never arrived, and how many clients lacked at least one. */
  missing: number;
  clientsMissing: number;
  /** The same event received again by the same client. */
  duplicates: number;
  /** An event of another shop. */
  misrouted: number;
  /** Notifications of events the bench did not append in this run. */
  unknown: number;
  /** Frames other than welcome and notification, by type (reset, error, …). */
  otherFrames: Record<string, number>;
  /** Connections closed by the server during the run. */
  dropped: number;
  firstDrop?: string;
  /** Append call → first receipt (ms) of each timed event by each client of its shop, sorted. */
  latencies: Float64Array;
  /** The same, per slice of append time (sorted within each). */
  slices: Float64Array[];
}

export interface ConnectResult {
  connected: number;
  failed: number;
  firstError?: string;
  seconds: number;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface ClientsReport extends Omit<WorkerReport, 'latencies' | 'slices' | 'firstDrop'> {
  firstDrop?: string;
  latency: LatencySummary;
  /** Per slice of append time, in order. */
  slices: LatencySummary[];
}

export type ClientsRequest =
  | { cmd: 'connect'; url: string; clients: ClientSpec[]; workers: number; concurrency: number }
  | { cmd: 'progress' }
  | { cmd: 'report'; table: EventTable }
  | { cmd: 'close' };
