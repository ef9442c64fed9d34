export { createTestServer, type TestServer, type TestServerOptions } from './test-server';
export { parseEvents, UserClient, type TestReply, type TestStreamEvent } from './user-client';
