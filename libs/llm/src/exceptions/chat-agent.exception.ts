import { ChatAgentMessages } from '../chat-agent/chat-agent.messages';

/** The agent stopped before an answer: the model kept calling tools for `max_iterations` calls. */
export class ChatAgentIterationsError extends Error {
  override name = 'ChatAgentIterationsError';

  constructor(readonly iterations: number) {
    super(ChatAgentMessages.maxIterations(iterations));
  }
}

/** A chat request that does not go on from its user's conversation: no new message, or tool calls left unanswered. */
export class ChatTurnError extends Error {
  override name = 'ChatTurnError';

  constructor(message: string = ChatAgentMessages.noUserMessage()) {
    super(message);
  }
}

/** A client-side tool named like one of the workflow's own: the model could not tell them apart. */
export class ChatToolConflictError extends Error {
  override name = 'ChatToolConflictError';

  constructor(
    readonly tool: string,
    serverTools: string[],
  ) {
    super(ChatAgentMessages.toolConflict(tool, serverTools));
  }
}
