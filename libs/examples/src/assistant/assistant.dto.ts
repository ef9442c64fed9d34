import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { FunctionRef } from '@userscope/runtime';

export class AssistantConfig {
  @ApiProperty({ description: 'Name of the notepad function to use', default: 'notepad' })
  @IsString()
  @FunctionRef()
  notepad_name: string = 'notepad';

  @ApiProperty({ description: 'Name of the preferences function to use', default: 'preferences' })
  @IsString()
  @FunctionRef()
  preferences_name: string = 'preferences';
}

export class AssistantInput {
  @ApiProperty({ description: "Command to execute: 'note', 'pref', 'stats', or 'help'" })
  @IsString()
  command: string;

  @ApiProperty({ description: 'Action for the command', default: '', required: false })
  @IsString()
  action: string = '';

  @ApiProperty({ description: 'First parameter (key/content)', default: '', required: false })
  @IsString()
  param1: string = '';

  @ApiProperty({ description: 'Second parameter (value)', default: '', required: false })
  @IsString()
  param2: string = '';
}

export class AssistantOutput {
  @ApiProperty({ description: 'Whether the command succeeded' })
  success: boolean;

  @ApiProperty({ description: 'Result message' })
  message: string;

  @ApiProperty({ description: 'Additional data (notes, preferences, commands_executed)', type: 'object', additionalProperties: true, default: {} })
  data: Record<string, unknown>;
}
