import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { AdminRoute } from '@userscope/http';
import type { Preflight, WorkflowTestReply, WorkflowView } from '../api/workflows.types';
import { BatchWorkflowDefinition } from '../config/batch-workflow.definition';
import { UserSelectionDto } from '../users/dto/user-selection.dto';
import { UserSelector } from '../users/user.selector';
import { BodyValidationPipe } from '../validation/body-validation.pipe';
import { BatchMessages } from '../batch.messages';
import { ApiStoreUnavailableResponse, errorReply } from '../batch-api.schemas';
import { PreflightReply, WorkflowViewReply } from './dto/workflow.reply';
import { WorkflowTestDto } from './dto/workflow-test.dto';
import { WorkflowTestReplyBody } from './dto/workflow-test.reply';
import { DraftTester } from './draft.tester';
import { WorkflowsService } from './workflows.service';

@ApiTags('batch')
@ApiStoreUnavailableResponse()
@AdminRoute()
@Controller('api/workflows')
export class WorkflowsController {
  constructor(
    private readonly workflows: WorkflowsService,
    private readonly users: UserSelector,
    private readonly tester: DraftTester,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List batch workflows (config and API defined)' })
  @ApiOkResponse({ type: [WorkflowViewReply] })
  list(): Promise<WorkflowView[]> {
    return this.workflows.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a batch workflow' })
  @ApiOkResponse({ type: WorkflowViewReply })
  @ApiNotFoundResponse(errorReply('`not_found`: no such batch workflow'))
  get(@Param('id') id: string): Promise<WorkflowView> {
    return this.workflows.get(id);
  }

  @Post()
  @ApiOperation({ summary: 'Create a batch workflow' })
  @ApiCreatedResponse({ type: WorkflowViewReply })
  @ApiBadRequestResponse(errorReply('`bad_request`: not a valid workflow; `details` lists the fields and why (unknown functions and LLMs too)'))
  @ApiConflictResponse(errorReply('`conflict`: a workflow with that id exists'))
  // Checked by the service, as YAML workflows are: the rules of the class, then the configured functions and LLMs.
  create(@Body() body: BatchWorkflowDefinition): Promise<WorkflowView> {
    return this.workflows.create(body);
  }

  // Before `:id` routes for readability only: POST has no `:id` route, so no workflow id is shadowed.
  @Post('test')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run a draft workflow for one user without saving it: what each node was sent and answered' })
  @ApiOkResponse({ type: WorkflowTestReplyBody, description: 'The run, also when a node failed (`status: failed`, `error`)' })
  @ApiBadRequestResponse(
    errorReply('`bad_request`: the body is not valid, the workflow is not (`details` as for POST /api/workflows), the user is unknown, or lacks fields under `on_missing: error` (`details` is the preflight)'),
  )
  @ApiTooManyRequestsResponse(errorReply('`too_many_requests`: `batch.max_concurrent_tests` test runs are running'))
  async test(@Body(BodyValidationPipe) body: WorkflowTestDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<WorkflowTestReply> {
    // A client that goes away (the page closed, the test cancelled) stops the run: nobody would see it.
    const clientGone = new AbortController();
    const onClose = () => !reply.raw.writableFinished && clientGone.abort(new Error(BatchMessages.testClientGone()));
    reply.raw.on('close', onClose);
    try {
      return await this.tester.test(body.workflow, body.userId, clientGone.signal);
    } finally {
      reply.raw.off('close', onClose);
    }
  }

  @Put(':id')
  @ApiOperation({ summary: 'Replace an API-defined batch workflow' })
  @ApiOkResponse({ type: WorkflowViewReply })
  @ApiBadRequestResponse(errorReply('`bad_request`: not a valid workflow; `details` lists the fields and why'))
  @ApiNotFoundResponse(errorReply('`not_found`: no such batch workflow'))
  @ApiConflictResponse(errorReply('`conflict`: the workflow is defined in the config, so read-only here'))
  replace(@Param('id') id: string, @Body() body: BatchWorkflowDefinition): Promise<WorkflowView> {
    return this.workflows.replace(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an API-defined batch workflow' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse(errorReply('`not_found`: no such batch workflow'))
  @ApiConflictResponse(errorReply('`conflict`: the workflow is defined in the config, so read-only here'))
  delete(@Param('id') id: string): Promise<void> {
    return this.workflows.delete(id);
  }

  @Post(':id/preflight')
  @HttpCode(200)
  @ApiOperation({ summary: 'Which selected users lack which fields the workflow uses' })
  @ApiOkResponse({ type: PreflightReply })
  @ApiBadRequestResponse(errorReply('`bad_request`: the selection is not valid, selects no user, or names unknown users'))
  @ApiNotFoundResponse(errorReply('`not_found`: no such batch workflow'))
  async preflight(@Param('id') id: string, @Body(BodyValidationPipe) selection: UserSelectionDto): Promise<Preflight> {
    const workflow = await this.workflows.get(id);
    return this.workflows.preflight(workflow, await this.users.select(selection));
  }
}
