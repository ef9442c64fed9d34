/** Texts of the errors the MCP server front end (`/mcp`) gives. */
export const McpServerMessages = {
  unknownTool: (name: string, known: string[]) => `'${name}' is not a configured function (configured: ${known.join(', ') || 'none'})`,
  noSuchTool: (name: string, known: string[]) => `no tool '${name}' (tools: ${known.join(', ')})`,
  toolWithoutDescription: (name: string) => `The configured function '${name}'`,
  sessionNotFound: () => 'Session not found: it ended, or was opened by another user; initialize a new one',
  sessionRequired: () => 'Bad Request: no valid mcp-session-id header; the first request of a session must be initialize',
  internal: () => 'Internal error; the server log has the details',
} as const;
