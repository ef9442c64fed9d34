import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from '@userscope/http';
import type { Preflight, WorkflowView } from '../api/workflows.types';
import { BatchWorkflowDefinition } from '../config/batch-workflow.definition';
import { UserSelectionDto } from '../users/dto/user-selection.dto';
import { UserSelector } from '../users/user.selector';
import { BodyValidationPipe } from '../validation/body-validation.pipe';
import { WorkflowsService } from './workflows.service';

@ApiTags('batch')
@ApiBearerAuth()
@Controller('api/workflows')
@UseGuards(AdminGuard)
export class WorkflowsController {
  constructor(
    private readonly workflows: WorkflowsService,
    private readonly users: UserSelector,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List batch workflows (config and API defined)' })
  list(): Promise<WorkflowView[]> {
    return this.workflows.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a batch workflow' })
  get(@Param('id') id: string): Promise<WorkflowView> {
    return this.workflows.get(id);
  }

  @Post()
  @ApiOperation({ summary: 'Create a batch workflow' })
  // Checked by the service, as YAML workflows are: the rules of the class, then the configured functions and LLMs.
  create(@Body() body: BatchWorkflowDefinition): Promise<WorkflowView> {
    return this.workflows.create(body);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Replace an API-defined batch workflow' })
  replace(@Param('id') id: string, @Body() body: BatchWorkflowDefinition): Promise<WorkflowView> {
    return this.workflows.replace(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an API-defined batch workflow' })
  delete(@Param('id') id: string): Promise<void> {
    return this.workflows.delete(id);
  }

  @Post(':id/preflight')
  @HttpCode(200)
  @ApiOperation({ summary: 'Which selected users lack which fields the workflow uses' })
  async preflight(@Param('id') id: string, @Body(BodyValidationPipe) selection: UserSelectionDto): Promise<Preflight> {
    const workflow = await this.workflows.get(id);
    return this.workflows.preflight(workflow, await this.users.select(selection));
  }
}
