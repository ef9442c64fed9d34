import { ChatMessage, chatText } from '../dto/chat-request.dto';
import { ChatToolConflictError, ChatTurnError } from '../exceptions/chat-agent.exception';
import { ChatAgentMessages } from './chat-agent.messages';
import { LlmMessage, LlmTool } from '../interfaces/llm.interface';
import { ChatTool } from '../dto/chat-tool.dto';

/** A request's messages as the model takes them; `developer` is `system`. */
export function llmMessagesOf(messages: ChatMessage[]): LlmMessage[] {
  return messages.map((message): LlmMessage => {
    const content = chatText(message.content);
    switch (message.role) {
      case 'assistant':
        return { role: 'assistant', content: message.content === null ? null : content, ...(message.tool_calls?.length ? { tool_calls: message.tool_calls } : {}) };
      case 'tool':
        return { role: 'tool', tool_call_id: message.tool_call_id!, content };
      case 'user':
        return { role: 'user', content };
      default:
        return { role: 'system', content };
    }
  });
}

/**
 * The messages a request adds to a conversation of `remembered` messages: those after its last
 * assistant message (what an OpenAI-style client resends is already remembered), or all of them when
 * nothing is. The turn must end with the user's new message, or with the `tool` messages that answer
 * the client-side tool calls of the last reply; every tool call must be answered once, before the
 * conversation goes on.
 */
export function newTurnOf(messages: LlmMessage[], history: LlmMessage[]): LlmMessage[] {
  const last = messages[messages.length - 1];
  if (last.role !== 'user' && last.role !== 'tool') throw new ChatTurnError(ChatAgentMessages.noUserMessage());
  const lastAssistant = messages.map((message) => message.role).lastIndexOf('assistant');
  const turn = history.length === 0 ? messages : messages.slice(lastAssistant + 1);
  checkToolAnswers([...history, ...turn]);
  return turn;
}

function checkToolAnswers(conversation: LlmMessage[]): void {
  let pending: string[] = [];
  for (const message of conversation) {
    if (message.role === 'tool') {
      if (!pending.includes(message.tool_call_id)) throw new ChatTurnError(ChatAgentMessages.unknownToolCallId(message.tool_call_id, pending));
      pending = pending.filter((id) => id !== message.tool_call_id);
      continue;
    }
    if (pending.length > 0 && message.role !== 'system') throw new ChatTurnError(ChatAgentMessages.unansweredToolCalls(pending));
    if (message.role === 'assistant') pending = (message.tool_calls ?? []).map((call) => call.id);
  }
  if (pending.length > 0) throw new ChatTurnError(ChatAgentMessages.unansweredToolCalls(pending));
}

/** The request's client-side tools as the model takes them; a name that is one of the workflow's own tools is refused. */
export function clientToolsOf(tools: ChatTool[] | undefined, serverToolNames: string[]): LlmTool[] {
  return (tools ?? []).map((tool) => {
    if (serverToolNames.includes(tool.function.name)) throw new ChatToolConflictError(tool.function.name, serverToolNames);
    const { name, description, parameters, strict } = tool.function;
    return {
      type: 'function',
      function: {
        name,
        ...(description === undefined ? {} : { description }),
        parameters: parameters ?? { type: 'object', properties: {} },
        ...(strict === undefined ? {} : { strict }),
      },
    };
  });
}
