import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { Preflight, WorkflowView } from '../../api/workflows.types';
import { BatchWorkflowDefinition } from '../../config/batch-workflow.definition';

/** A batch workflow as the API answers it: the definition, where it is defined and the user fields it uses. */
@ApiSchema({ description: 'A batch workflow, with where it is defined and the user fields its templates use' })
export class WorkflowViewReply extends BatchWorkflowDefinition implements WorkflowView {
  @ApiProperty({ enum: ['config', 'api'], description: '`config`: in `batch_workflows:` (read-only here); `api`: made through this API' })
  source!: 'config' | 'api';

  @ApiProperty({ type: [String], description: 'The user fields its templates use (`{{user:<field>}}`)', example: ['name', 'preferences.platform'] })
  fields!: string[];
}

/** A selected user that lacks fields the workflow uses. */
export class PreflightMissing {
  @ApiProperty()
  userId!: string;

  @ApiProperty()
  userName!: string;

  @ApiProperty({ type: [String], description: 'The fields the user lacks' })
  fields!: string[];
}

/** `POST /api/workflows/{id}/preflight`: which selected users lack which fields. */
export class PreflightReply implements Preflight {
  @ApiProperty({ type: [String], description: 'The user fields the workflow uses' })
  fields!: string[];

  @ApiProperty({ type: [PreflightMissing] })
  missing!: PreflightMissing[];

  @ApiProperty({ description: 'No selected user lacks a field' })
  ok!: boolean;
}
