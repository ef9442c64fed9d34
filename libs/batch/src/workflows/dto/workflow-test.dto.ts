import { ApiProperty } from '@nestjs/swagger';
import { IsObject, IsString, MinLength } from 'class-validator';
import type { WorkflowTestRequest } from '../../api/workflows.types';
import { BatchWorkflowDefinition } from '../../config/batch-workflow.definition';

/** The body of `POST /api/workflows/test`. The workflow is checked by the service, as one being saved is. */
export class WorkflowTestDto implements WorkflowTestRequest {
  @ApiProperty({ type: () => BatchWorkflowDefinition, description: 'The draft, as POST /api/workflows takes it; saved nowhere' })
  @IsObject({ message: 'workflow must be a workflow object, as POST /api/workflows takes it' })
  workflow: BatchWorkflowDefinition;

  @ApiProperty({ type: String, description: 'The user to run it for', example: 'alice' })
  @IsString({ message: "userId is required: the id of a user in the directory" })
  @MinLength(1, { message: "userId is required: the id of a user in the directory" })
  userId: string;
}
