import { IsNotEmpty, IsOptional, IsString, Matches } from 'class-validator';

/** Model ids as OpenAI clients send and list them: no spaces, and no `/` so that `GET /v1/models/{id}` can name it. */
const MODEL_NAME = /^[A-Za-z0-9._:-]+$/;

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
}
