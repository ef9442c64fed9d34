import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { BatchUser, ImportReport, UserPage } from '../../api/users.types';

/** A user of the directory, as the API answers it. */
@ApiSchema({ description: 'A user: `id`, `name`, and any other fields (any JSON, nested too) as they were sent' })
export class BatchUserReply implements BatchUser {
  [field: string]: unknown;

  @ApiProperty({ description: "The user's id, also their session id when their workflow runs", example: 'alice-johnson' })
  id!: string;

  @ApiProperty({ example: 'Alice Johnson' })
  name!: string;
}

/** `GET /api/users`: a page of users and how many match. */
export class UserPageReply implements UserPage {
  @ApiProperty({ type: [BatchUserReply] })
  items!: BatchUserReply[];

  @ApiProperty({ description: 'Users that match the search, on every page' })
  total!: number;
}

/** A row an import refused. */
export class ImportRejection {
  @ApiProperty({ description: '1-based: the header is row 1 of a CSV; the array index + 1 of JSON' })
  row!: number;

  @ApiProperty({ description: 'Why the row was refused' })
  reason!: string;
}

/** `POST /api/users/import`: what was imported and what was refused. */
export class ImportReportReply implements ImportReport {
  @ApiProperty({ description: 'Users created or updated' })
  imported!: number;

  @ApiProperty({ type: [ImportRejection] })
  rejected!: ImportRejection[];
}
