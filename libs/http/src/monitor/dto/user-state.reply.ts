import { ApiProperty } from '@nestjs/swagger';

/** `GET /monitor/users/{user_id}/state`: what is saved of a user (`general.session_state: redis`). */
export class UserStateReply {
  @ApiProperty({ description: 'The user', example: 'alice' })
  user_id!: string;

  @ApiProperty({
    description: "Each stateful per-user function's saved state (what its saveState() returned), by configured name; the workflow is `<workflow>`",
    type: 'object',
    additionalProperties: true,
    example: { notepad: { notes: [{ content: 'buy milk', timestamp: '2026-11-22T03:20:00.000Z' }] }, '<workflow>': { commands_executed: 4 } },
  })
  states!: Record<string, unknown>;

  @ApiProperty({ description: 'The fencing token of the claim on the user that wrote last', example: 42 })
  token!: number;

  @ApiProperty({
    description: 'When the state is deleted unless the user is active again (general.session_state_ttl after their last activity); null if it never expires',
    type: String,
    format: 'date-time',
    nullable: true,
  })
  expires_at!: string | null;
}
