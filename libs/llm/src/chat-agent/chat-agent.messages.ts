/** Texts of the chat agent: what the model is told when a tool call fails, and the errors a user can meet. */
export const ChatAgentMessages = {
  toolWithoutDescription: (name: string) => `The function '${name}'.`,
  unknownTool: (name: string, known: string[]) => `There is no tool '${name}'. Tools: ${known.join(', ') || 'none'}.`,
  argumentsNotJson: (name: string, reason: string) => `The arguments of '${name}' are not valid JSON (${reason}).`,
  invalidArguments: (name: string) => `The arguments do not match the input schema of '${name}'.`,
  toolFailed: (name: string, reason: string) => `The tool '${name}' failed: ${reason}`,
  noUserMessage: () => 'The conversation must end with a user message: send the new message last.',
  maxIterations: (iterations: number) =>
    `The chat agent made ${iterations} LLM calls without reaching an answer (max_iterations: ${iterations}); the model kept calling tools.`,
} as const;
