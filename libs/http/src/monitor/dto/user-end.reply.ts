import { ApiProperty } from '@nestjs/swagger';

/** `DELETE /monitor/users/{user_id}`: what ending the user's session (and purging their state) did. */
export class UserEndReply {
  @ApiProperty({ description: 'The user', example: 'alice' })
  user_id!: string;

  @ApiProperty({ description: 'Whether the user had a session here, now ended (false: only their saved state was purged)' })
  ended!: boolean;

  @ApiProperty({ description: 'Per-user instances whose cleanup ran' })
  disposed!: number;

  @ApiProperty({ description: 'Cleanups that threw (logged)' })
  cleanup_errors!: number;

  @ApiProperty({ description: 'Requests of the user still running after shutdown_grace_period, not waited for' })
  abandoned_requests!: number;

  @ApiProperty({ description: 'With ?purge=true and general.session_state: redis, the saved state was deleted: the user starts fresh' })
  purged!: boolean;
}
