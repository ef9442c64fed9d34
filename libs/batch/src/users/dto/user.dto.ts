import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsString, Matches, ValidateIf } from 'class-validator';
import { SESSION_ID_PATTERN } from '@userscope/runtime';
import type { UserBody } from '../../api/users.types';

const ID_MESSAGE = `id must match ${SESSION_ID_PATTERN.source}`;

/** C0 and C1 control characters (NUL, escapes, ...): never part of a name, and they garble logs and CSV. */
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f-\u009f]*$/;

/**
 * A user as the API takes it. Its rules are checked by `checkUser`, for API bodies and import rows
 * alike; any other field (any JSON, nested too) is kept as it is.
 */
@ApiSchema({ description: 'A user: `name`, optionally `id`, and any other fields (any JSON, nested too), which are kept as sent' })
export class UserDto implements UserBody {
  [field: string]: unknown;

  @ApiProperty({ type: String, description: 'The name; an id is made from it when none is given', example: 'Alice Johnson' })
  @Matches(NO_CONTROL_CHARACTERS, { message: 'name must not contain control characters (U+0000–U+001F, U+007F–U+009F)' })
  @Matches(/\S/, { message: 'name is required' })
  @IsString({ message: 'name is required' }) // the lowest rule is checked first
  name: string;

  @ApiPropertyOptional({ type: String, pattern: SESSION_ID_PATTERN.source, description: "Also the user's session id when their workflow runs" })
  @ValidateIf((user: UserDto) => user.id !== undefined)
  @Matches(SESSION_ID_PATTERN, { message: ID_MESSAGE })
  @IsString({ message: ID_MESSAGE })
  id?: string;
}
