/** Texts of the chat agent: what the model is told when a tool call fails, and the errors a user can meet. */
export const ChatAgentMessages = {
  toolWithoutDescription: (name: string) => `The function '${name}'.`,
  unknownTool: (name: string, known: string[]) => `There is no tool '${name}'. Tools: ${known.join(', ') || 'none'}.`,
  argumentsNotJson: (name: string, reason: string) => `The arguments of '${name}' are not valid JSON (${reason}).`,
  invalidArguments: (name: string) => `The arguments do not match the input schema of '${name}'.`,
  toolFailed: (name: string, reason: string) => `The tool '${name}' failed: ${reason}`,
  noUserMessage: () =>
    "The conversation must end with a user message, or with the 'tool' messages that answer the last reply's tool calls: send the new message last.",
  unansweredToolCalls: (ids: string[]) =>
    `The tool calls ${ids.join(', ')} were not answered: send a message of role 'tool' with each one's tool_call_id (its result) before the conversation goes on.`,
  unknownToolCallId: (id: string, pending: string[]) =>
    `A 'tool' message answers tool_call_id '${id}', which is no unanswered tool call of the conversation (unanswered: ${pending.join(', ') || 'none'}).`,
  toolConflict: (name: string, serverTools: string[]) =>
    `The client-side tool '${name}' has the name of one of the workflow's own tools (${serverTools.join(', ')}): rename it.`,
  maxIterations: (iterations: number) =>
    `The chat agent made ${iterations} LLM calls without reaching an answer (max_iterations: ${iterations}); the model kept calling tools.`,
} as const;
