import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminRoute } from '@userscope/http';
import type { WorkflowCatalog } from '../api/workflows.types';
import { ApiStoreUnavailableResponse } from '../batch-api.schemas';
import { WorkflowCatalogReply } from './dto/catalog.reply';
import { WorkflowCatalogService } from './workflow.catalog';

@ApiTags('batch')
@ApiStoreUnavailableResponse()
@AdminRoute()
@Controller('api/catalog')
export class CatalogController {
  constructor(private readonly catalog: WorkflowCatalogService) {}

  @Get()
  @ApiOperation({ summary: "What a batch workflow can be built from: the configured LLMs and functions, and the fields the directory's users have" })
  @ApiOkResponse({ type: WorkflowCatalogReply })
  get(): Promise<WorkflowCatalog> {
    return this.catalog.catalog();
  }
}
