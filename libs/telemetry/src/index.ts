export { TelemetryModule } from './telemetry.module';
export { TelemetryConfig, TracingExporterConfig, USER_ID_KEY_ENV } from './config/telemetry.config';
export { telemetryConfigOf, telemetryConfigSection } from './config/telemetry-config.section';
