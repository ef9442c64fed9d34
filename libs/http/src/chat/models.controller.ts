import { Controller, Get, Inject, Param, UseFilters, UseGuards } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { USERSCOPE_CONFIG, UserscopeConfig } from '@userscope/runtime';
import { servedModelName } from '../front-end/front-end-config.section';
import { ChatWorkflowGuard } from './chat-workflow.guard';
import { ModelList, ModelObject } from './dto/model.dto';
import { ModelNotFoundError } from './exceptions/model-not-found.exception';
import { OpenAiErrorFilter } from './openai-error.filter';
import { OPENAI_ROUTE_PREFIX } from './openai-routes.explorer';

/** OpenAI's model routes: the chat workflow, under its one name (`general.front_end.model_name`). */
@ApiTags('chat')
@Controller(OPENAI_ROUTE_PREFIX)
@UseGuards(ChatWorkflowGuard)
@UseFilters(OpenAiErrorFilter)
export class ModelsController {
  private readonly served: ModelObject;

  constructor(@Inject(USERSCOPE_CONFIG) config: UserscopeConfig) {
    this.served = { id: servedModelName(config), object: 'model', created: Math.floor(Date.now() / 1000), owned_by: 'userscope' };
  }

  @Get('models')
  // Public: every user sees the same list.
  @ApiOperation({ summary: 'OpenAI-compatible model list: the chat workflow, as the one model a client can choose', security: [] })
  @ApiOkResponse({ type: ModelList })
  models(): ModelList {
    return { object: 'list', data: [this.served] };
  }

  @Get('models/:model')
  @ApiOperation({ summary: 'OpenAI-compatible model lookup: the chat workflow by its name; any other name is 404 model_not_found', security: [] })
  @ApiOkResponse({ type: ModelObject })
  @ApiNotFoundResponse({ description: '`model_not_found`, in OpenAI\'s error shape' })
  model(@Param('model') id: string): ModelObject {
    if (id !== this.served.id) throw new ModelNotFoundError(id, this.served.id);
    return this.served;
  }
}
