import { Inject, Injectable } from '@nestjs/common';
import { configSection, inlineSchema, USERSCOPE_CONFIG, UserscopeConfig } from '@userscope/runtime';
import { LLM_CONFIG_SECTION } from '@userscope/llm';
import type { CatalogFunction, CatalogLlm, WorkflowCatalog } from '../api/workflows.types';
import { LoopYielder } from '../event-loop/loop.yielder';
import { flatten } from '../users/csv';
import { UserListIndex } from '../users/user-list.index';

/** At most this many distinct user fields are listed: enough for a completion list, bounded for a directory of free-form users. */
export const MAX_CATALOG_USER_FIELDS = 500;

/** What a batch workflow can be built from: the configured LLMs and functions, and the fields the directory's users have. */
@Injectable()
export class WorkflowCatalogService {
  private readonly llms: CatalogLlm[];
  private readonly functions: CatalogFunction[];

  constructor(
    @Inject(USERSCOPE_CONFIG) config: UserscopeConfig,
    private readonly users: UserListIndex,
  ) {
    // Only names and models: an LLM's config holds its API key.
    this.llms = configSection(config, LLM_CONFIG_SECTION).map((llm) => {
      const model = (llm.config as { model_name?: unknown }).model_name;
      return { name: llm.name, type: llm.type, ...(typeof model === 'string' ? { model } : {}) };
    });
    const grouped = [...config.groups.values()].flatMap((group) => group.functions);
    const configured = new Map([...config.functions.values(), ...grouped].map((fn) => [fn.name, fn]));
    // A discovered group's functions (an MCP server's tools) are known only once it connects, so they are not listed.
    this.functions = [...configured.values()]
      .filter((fn) => fn !== config.workflow)
      .map((fn) => ({
        name: fn.name,
        ...(fn.type.description ? { description: fn.type.description } : {}),
        inputSchema: resolveRefs(inlineSchema(fn.type.inputSchema), fn.type.inputSchema.components),
      }));
  }

  async catalog(): Promise<WorkflowCatalog> {
    return { llms: this.llms, functions: this.functions, userFields: await this.userFields() };
  }

  /** The dotted field paths of the directory's users (from the kept sorted list, so asking again is cheap). */
  private async userFields(): Promise<string[]> {
    const slices = new LoopYielder();
    const fields = new Set<string>();
    for (const user of await this.users.list(undefined, 'name', 'asc')) {
      await slices.yieldIfDue();
      for (const path of Object.keys(flatten(user))) {
        if (path === 'id' || fields.size >= MAX_CATALOG_USER_FIELDS) continue;
        fields.add(path);
      }
      if (fields.size >= MAX_CATALOG_USER_FIELDS) break;
    }
    return [...fields].sort();
  }
}

/** `schema` with each `#/components/schemas/<name>` replaced by the component; a component met again inside itself becomes `{}`. */
function resolveRefs(schema: unknown, components: Record<string, unknown>, seen: ReadonlySet<string> = new Set()): Record<string, unknown> {
  const walk = (value: unknown, seen: ReadonlySet<string>): unknown => {
    if (Array.isArray(value)) return value.map((item) => walk(item, seen));
    if (!value || typeof value !== 'object') return value;
    const ref = (value as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
      const name = ref.slice('#/components/schemas/'.length);
      if (seen.has(name) || !(name in components)) return {};
      return walk(components[name], new Set([...seen, name]));
    }
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item, seen)]));
  };
  return walk(schema, seen) as Record<string, unknown>;
}
