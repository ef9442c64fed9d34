import { ApiProperty } from '@nestjs/swagger';
import { IsObject, IsString } from 'class-validator';
import { IsStringRecord } from './string-record.validator';

export class PreferencesConfig {
  @ApiProperty({ description: 'Default preferences for new users', default: { theme: 'light', language: 'en' } })
  @IsObject()
  @IsStringRecord()
  default_preferences: Record<string, string> = { theme: 'light', language: 'en' };
}

export class PreferenceInput {
  @ApiProperty({ description: "Action to perform: 'set', 'get', or 'list'" })
  @IsString()
  action: string;

  @ApiProperty({ description: 'Preference key', default: '', required: false })
  @IsString()
  key: string = '';

  @ApiProperty({ description: "Preference value (for 'set' action)", default: '', required: false })
  @IsString()
  value: string = '';
}

export class PreferenceOutput {
  @ApiProperty({ description: 'Whether the operation succeeded' })
  success: boolean;

  @ApiProperty({ description: 'Result message' })
  message: string;

  @ApiProperty({ description: "Preference value (for 'get' action)", default: '' })
  value: string;

  @ApiProperty({
    description: "All preferences (for 'list' and 'set' actions)",
    type: 'object',
    additionalProperties: { type: 'string' },
    default: {},
  })
  preferences: Record<string, string>;
}
