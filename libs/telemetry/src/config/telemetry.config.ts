import { Allow, IsBoolean, IsIn, IsNumber, IsOptional, IsString, IsUrl, Max, Min, MinLength } from 'class-validator';

/** One exporter of `general.telemetry.tracing` (NAT's shape): spans sent over OTLP HTTP (JSON) to a collector. */
export class TracingExporterConfig {
  @IsIn(['otelcollector'], { message: "must be 'otelcollector' (OTLP over HTTP)" })
  _type!: 'otelcollector';

  /** The collector's traces URL, e.g. `http://127.0.0.1:4318/v1/traces`. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'must be an http(s) URL, e.g. http://127.0.0.1:4318/v1/traces' })
  endpoint!: string;

  /** Sent with every export (an API key); checked in `telemetryConfigSection`, never logged. */
  @IsOptional()
  headers?: Record<string, string>;

  /** The share of traces kept, 0 to 1; a caller's sampled `traceparent` is followed whatever it is. */
  @IsNumber({}, { message: 'must be a number from 0 to 1' })
  @Min(0, { message: 'must be a number from 0 to 1' })
  @Max(1, { message: 'must be a number from 0 to 1' })
  sample_ratio: number = 1;

  /** Prompts, replies and tool arguments and results on the spans. Off: none of them is exported. */
  @IsBoolean()
  capture_content: boolean = false;

  /** The raw user id as `enduser.id`. Off: users are named only by `enduser.pseudo.id`, an HMAC of their id. */
  @IsBoolean()
  include_user_id: boolean = false;
}

/** `general.telemetry`, as far as Userscope reads it: tracing exporters, and the key of user pseudonyms. */
export class TelemetryConfig {
  /** The exporters, by name. */
  tracing!: Record<string, TracingExporterConfig>;

  /** The HMAC-SHA256 key of `enduser.pseudo.id`; from `USERSCOPE_TELEMETRY_USER_ID_KEY` when absent. */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters (e.g. openssl rand -hex 32)' })
  user_id_key?: string;

  /** NAT's logging exporters: accepted, so that a NAT config loads, and not read. */
  @Allow()
  logging?: unknown;
}

/** The environment form of `general.telemetry.user_id_key`. */
export const USER_ID_KEY_ENV = 'USERSCOPE_TELEMETRY_USER_ID_KEY';
