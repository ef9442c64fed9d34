import { ApiProperty } from '@nestjs/swagger';

/** The body of PUT .../secrets/{name}. */
export class SecretValueDto {
  @ApiProperty({ description: 'The secret; stored encrypted, never returned' })
  value!: string;
}
