import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { CatalogFunction, CatalogLlm, WorkflowCatalog } from '../../api/workflows.types';

export class CatalogLlmReply implements CatalogLlm {
  @ApiProperty({ description: 'Its name in `llms:`, as an llm node names it' })
  name!: string;

  @ApiProperty({ description: "The provider's `_type` (`echo` is the stand-in that answers with the prompt)", example: 'openai' })
  type!: string;

  @ApiPropertyOptional({ description: 'The model it asks for' })
  model?: string;
}

export class CatalogFunctionReply implements CatalogFunction {
  @ApiProperty({ description: 'Its name, as a function node names it' })
  name!: string;

  @ApiPropertyOptional()
  description?: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: "The input's JSON schema, `$ref`s resolved" })
  inputSchema!: Record<string, unknown>;
}

/** `GET /api/catalog`. */
@ApiSchema({ description: 'What a batch workflow can be built from' })
export class WorkflowCatalogReply implements WorkflowCatalog {
  @ApiProperty({ type: [CatalogLlmReply] })
  llms!: CatalogLlmReply[];

  @ApiProperty({ type: [CatalogFunctionReply], description: 'The configured functions (a discovered group’s, such as an MCP server’s tools, are not listed)' })
  functions!: CatalogFunctionReply[];

  @ApiProperty({ type: [String], description: "The field paths the directory's users have, sorted (at most 500)", example: ['department', 'name', 'preferences.platform'] })
  userFields!: string[];
}
