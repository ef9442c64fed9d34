import { ApiProperty } from '@nestjs/swagger';
import type { SecretListing } from '../../secrets/user-secrets.service';

/** A secret as listed: its name and when it was set; its value is never returned. */
export class SecretListingReply implements SecretListing {
  @ApiProperty({ description: 'What `{{secret:<name>}}` names', example: 'tickets_token' })
  name!: string;

  @ApiProperty({ format: 'date-time', description: 'When it was last set' })
  updated_at!: string;
}

/** What deleting every secret of a user did. */
export class SecretsDeletedReply {
  @ApiProperty({ description: 'How many secrets were deleted' })
  deleted!: number;
}
