export * from './http.messages';
export * from './identity/identity.resolver';
export * from './identity/session-context-id.strategy';
export * from './generate.controller';
export * from './health.controller';
export * from './error.filter';
export * from './userscope-http.module';
export * from './http-app.factory';
