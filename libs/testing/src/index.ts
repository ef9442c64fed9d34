export { createTestServer, type TestServer, type TestServerOptions } from './test-server';
export { UserClient, type TestReply, type TestStreamEvent } from './user-client';
