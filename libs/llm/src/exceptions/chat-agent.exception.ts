import { ChatAgentMessages } from '../chat-agent/chat-agent.messages';

/** The agent stopped before an answer: the model kept calling tools for `max_iterations` calls. */
export class ChatAgentIterationsError extends Error {
  override name = 'ChatAgentIterationsError';

  constructor(readonly iterations: number) {
    super(ChatAgentMessages.maxIterations(iterations));
  }
}

/** A chat request that does not end with the user's new message. */
export class ChatTurnError extends Error {
  override name = 'ChatTurnError';

  constructor() {
    super(ChatAgentMessages.noUserMessage());
  }
}
