import { ConfigSection, isMapping, UserscopeConfig, validateConfigSection } from '@userscope/runtime';
import { TelemetryMessages } from '../telemetry.messages';
import { TelemetryConfig, TracingExporterConfig, USER_ID_KEY_ENV } from './telemetry.config';

/** `general.telemetry`: each tracing exporter checked, and the pseudonym key (file, else environment). */
export function telemetryConfigSection(env: NodeJS.ProcessEnv = process.env): ConfigSection<TelemetryConfig | undefined> {
  const path = 'general.telemetry';
  return {
    key: path,
    check(value, context) {
      if (value === undefined || value === null) return undefined;
      if (!isMapping(value)) {
        context.issues.push({ path, message: 'must be a mapping' });
        return undefined;
      }
      const { tracing, ...rest } = value;
      const config = validateConfigSection(TelemetryConfig, { user_id_key: env[USER_ID_KEY_ENV] || undefined, ...rest }, path, context.issues);
      if (config.user_id_key === '') config.user_id_key = undefined;
      if (!isMapping(tracing) || Object.keys(tracing).length === 0) {
        context.issues.push({ path: `${path}.tracing`, message: TelemetryMessages.noExporter() });
        return undefined;
      }
      config.tracing = {};
      for (const [name, entry] of Object.entries(tracing)) {
        const at = `${path}.tracing.${name}`;
        if (!isMapping(entry)) {
          context.issues.push({ path: at, message: 'must be a mapping with _type: otelcollector and an endpoint' });
          continue;
        }
        const exporter = validateConfigSection(TracingExporterConfig, entry, at, context.issues);
        const headers = exporter.headers;
        if (headers !== undefined && (!isMapping(headers) || !Object.values(headers).every((v) => typeof v === 'string'))) {
          context.issues.push({ path: `${at}.headers`, message: TelemetryMessages.headerValue() });
        }
        config.tracing[name] = exporter;
      }
      const pseudonymous = Object.values(config.tracing).some((exporter) => !exporter.include_user_id);
      if (pseudonymous && !config.user_id_key) context.issues.push({ path: `${path}.user_id_key`, message: TelemetryMessages.userIdKeyRequired() });
      return config;
    },
  };
}

/** The `general.telemetry` of a loaded config; undefined when tracing is off. */
export function telemetryConfigOf(config: UserscopeConfig): TelemetryConfig | undefined {
  return config.sections.get('general.telemetry') as TelemetryConfig | undefined;
}
