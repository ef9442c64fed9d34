import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Min } from 'class-validator';
import type { StartRunRequest } from '../../api/runs.types';
import { UserSelectionDto } from '../../users/dto/user-selection.dto';

/** The body of `POST /api/runs`. The upper bound of `concurrency` is the config's, so the service checks it. */
export class StartRunDto extends UserSelectionDto implements StartRunRequest {
  @ApiProperty({ type: String, description: "The batch workflow's id", example: 'social-script' })
  @IsString({ message: 'workflowId is required: the id of a batch workflow' })
  workflowId: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Executions at once; default `batch.default_concurrency`, at most `batch.max_concurrency`' })
  @IsOptional()
  @Min(1, { message: 'concurrency must be at least 1' })
  @IsInt({ message: 'concurrency must be a whole number' }) // the lowest rule is checked first
  concurrency?: number;

  @ApiPropertyOptional({ type: Boolean, description: 'Run even when users lack fields the workflow needs (under `on_missing: error`)' })
  @IsOptional()
  @IsBoolean({ message: 'force must be true or false' })
  force?: boolean;
}
