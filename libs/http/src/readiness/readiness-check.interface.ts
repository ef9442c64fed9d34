/** Something the server needs in order to serve, which `GET /health/ready` asks. */
export interface ReadinessCheck {
  /** Names it in the report, e.g. `store`. */
  readonly name: string;
  /** Resolves when ready; rejects, saying why, when not. */
  check(): Promise<void>;
}

/** One check's line of the readiness report. */
export type ReadinessStatus = { status: 'up' } | { status: 'down'; error: string };

/** The body of `GET /health/ready`. */
export interface ReadinessReport {
  status: 'ready' | 'unavailable';
  checks: Record<string, ReadinessStatus>;
}
