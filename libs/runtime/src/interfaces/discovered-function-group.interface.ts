/** A function of a discovered group, as it is known once found. */
export interface DiscoveredFunction {
  /** Its name in the group (the `create_ticket` of `tickets__create_ticket`). */
  name: string;
  description?: string;
  /** Its input, as a JSON schema of an object. */
  inputSchema: Record<string, unknown>;
}

/**
 * The contract of a group declared with `discovered: true`: its functions are found at run time
 * (an MCP server's tools) and called by name. For a per-user group, each user's instance finds and
 * calls its own, with the user's own connection.
 */
export interface DiscoveredFunctionGroup {
  /** Calls the group's function `name` with a JSON object input; throws what the call failed with. */
  invokeFunction(name: string, input: unknown, signal: AbortSignal): Promise<unknown>;
  /** The group's functions as found now (finding them first if needed); throws when they cannot be found. */
  listFunctions(signal?: AbortSignal): Promise<DiscoveredFunction[]>;
  /** What the monitor shows of the instance (an MCP session: group, connected, tools, last error); never a credential. */
  status?(): DiscoveredGroupStatus;
  /** Of a shared group: what the monitor shows of `userId`'s own session with it (a shared MCP client's), if they have one. */
  statusOf?(userId: string): DiscoveredGroupStatus | undefined;
}

/** A discovered group instance's health, as `/monitor/users` shows it. */
export interface DiscoveredGroupStatus {
  group: string;
  connected: boolean;
  session_id?: string;
  tools: string[];
  last_error?: string;
}
