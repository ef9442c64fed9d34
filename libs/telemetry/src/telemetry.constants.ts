/** The DI token of the running tracer provider. */
export const TELEMETRY_TRACER_PROVIDER = Symbol.for('userscope:telemetry:tracer-provider');
