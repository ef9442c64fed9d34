import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayNotEmpty, IsArray, IsBoolean, IsOptional, IsString } from 'class-validator';
import type { UserSelection } from '../../api/users.types';

/** The users a request is for: `userIds`, or `all: true`. */
export class UserSelectionDto implements UserSelection {
  @ApiPropertyOptional({ type: [String], minItems: 1, description: 'The ids of the users (give this or `all: true`)', example: ['alice', 'bob'] })
  @IsOptional()
  @IsString({ each: true, message: 'userIds must be a list of user ids (strings)' })
  @ArrayNotEmpty({ message: 'userIds must name at least one user' })
  @IsArray({ message: 'userIds must be a list of user ids' }) // the lowest rule is checked first
  userIds?: string[];

  @ApiPropertyOptional({ type: Boolean, description: 'Every user of the directory' })
  @IsOptional()
  @IsBoolean({ message: 'all must be true or false' })
  all?: boolean;
}
