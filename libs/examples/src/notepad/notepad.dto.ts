import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Min } from 'class-validator';

export class NotepadConfig {
  @ApiProperty({ description: 'Maximum number of notes per user', default: 100 })
  @IsInt()
  @Min(0)
  max_notes: number = 100;
}

export class NoteInput {
  @ApiProperty({ description: "Action to perform: 'add', 'list', 'clear', or 'count'" })
  @IsString()
  action: string;

  @ApiProperty({ description: "Note content (for 'add' action)", default: '', required: false })
  @IsString()
  content: string = '';
}

export class NoteOutput {
  @ApiProperty({ description: 'Whether the operation succeeded' })
  success: boolean;

  @ApiProperty({ description: 'Result message' })
  message: string;

  @ApiProperty({ description: "List of notes (for 'list' action)", type: [String], default: [] })
  notes: string[];

  @ApiProperty({ description: 'Number of notes', default: 0 })
  count: number;
}
