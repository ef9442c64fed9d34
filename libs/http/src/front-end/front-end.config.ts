import { Type } from 'class-transformer';
import { IsArray, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { IsDuration } from '@userscope/runtime';

/** OpenAI keeps a stored response 30 days. */
const THIRTY_DAYS = 30 * 24 * 3600;

/** Model ids as OpenAI clients send and list them: no spaces, and no `/` so that `GET /v1/models/{id}` can name it. */
const MODEL_NAME = /^[A-Za-z0-9._:-]+$/;

/** `general.front_end.mcp`: what `/mcp` (the MCP server front end) serves besides the workflow. */
export class McpFrontEndConfig {
  /** Configured functions offered as MCP tools too, each run as the caller. */
  @IsArray()
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  tool_names: string[] = [];

  /** The most MCP sessions a user has open at once; past it their oldest is closed. */
  @IsInt()
  @Min(1)
  @Max(1000)
  max_sessions_per_user: number = 8;
}

/**
 * `general.front_end`: NAT's front-end settings, as far as Userscope reads them. NAT's other keys
 * (`_type: fastapi`, host, port, workers, ...) are accepted and ignored: the CLI and the Nest app decide those.
 */
export class FrontEndConfig {
  /** NAT's front-end type (`fastapi`); ignored. */
  @IsOptional()
  @IsString()
  _type?: string;

  /** The one model name of the OpenAI routes: `/v1/models` lists it, and every chat reply names it. Default: the workflow's `_type`. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @Matches(MODEL_NAME, { message: 'model_name may use letters, digits and . _ : - only' })
  model_name?: string;

  /** How long `POST /v1/responses` keeps a stored response (`store`, default true) for `GET`, `DELETE` and `previous_response_id`. Default 30 days. */
  @IsDuration()
  @Min(1, { message: 'responses_ttl must be at least 1s' })
  responses_ttl: number = THIRTY_DAYS;

  /** The most stored responses a user has; past it their oldest go first. */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  responses_max_per_user: number = 1000;

  /** The MCP server front end (`/mcp`). */
  @ValidateNested()
  @Type(() => McpFrontEndConfig)
  mcp: McpFrontEndConfig = new McpFrontEndConfig();
}
