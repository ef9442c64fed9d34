import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminRoute } from '@userscope/http';
import type { ImportReport, UserPage } from '../api/users.types';
import { BatchMessages } from '../batch.messages';
import { badRequest } from '../batch-http.errors';
import { BatchUser } from '../store/batch-records';
import { ApiStoreUnavailableResponse, errorReply } from '../batch-api.schemas';
import { UserDto } from './dto/user.dto';
import { BatchUserReply, ImportReportReply, UserPageReply } from './dto/user.reply';
import { UsersService } from './users.service';

/** The users directory (operator API). */
@ApiTags('batch')
@ApiExtraModels(UserDto)
@ApiStoreUnavailableResponse()
@AdminRoute()
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'List users with search, sort and paging' })
  @ApiQuery({ name: 'search', required: false, description: 'Only users whose id, name or any text field contains this (case-insensitive)' })
  @ApiQuery({ name: 'offset', required: false, type: Number })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: 'Default 50, at most 1000' })
  @ApiQuery({ name: 'sort', required: false, description: 'The field to sort by (`a.b` for a nested one), then id; default name' })
  @ApiQuery({ name: 'order', required: false, enum: ['asc', 'desc'] })
  @ApiOkResponse({ type: UserPageReply })
  @ApiBadRequestResponse(errorReply('`bad_request`: offset or limit is not a non-negative integer'))
  list(
    @Query('search') search?: string,
    @Query('offset') offset?: string,
    @Query('limit') limit?: string,
    @Query('sort') sort?: string,
    @Query('order') order?: string,
  ): Promise<UserPage> {
    return this.users.list({
      search,
      offset: toInt(offset, 'offset'),
      limit: toInt(limit, 'limit'),
      sort,
      order: order === 'desc' ? 'desc' : 'asc',
    });
  }

  @Get('export')
  @ApiOperation({ summary: 'Export every user as JSON or CSV' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiOkResponse({
    description: 'Every user, as an attachment: a JSON array, or CSV with a header row (nested fields as `a.b` columns)',
    content: {
      'application/json': { schema: { type: 'array', items: { $ref: getSchemaPath(BatchUserReply) } } },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  @ApiBadRequestResponse(errorReply("`bad_request`: format is neither 'json' nor 'csv'"))
  async export(@Query('format') format: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const csv = format === 'csv';
    if (format !== undefined && !csv && format !== 'json') throw badRequest("format must be 'json' or 'csv'");
    const body = await this.users.export(csv ? 'csv' : 'json');
    void reply
      .header('content-type', csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="users.${csv ? 'csv' : 'json'}"`)
      .send(body);
  }

  @Post('import')
  @HttpCode(200)
  @ApiOperation({ summary: 'Import users from CSV (header row) or a JSON array' })
  @ApiQuery({ name: 'mode', required: false, enum: ['upsert', 'skip'], description: 'What an existing id does: replaced (upsert), or kept' })
  @ApiOkResponse({ type: ImportReportReply, description: 'Rows that were not valid users are refused one by one, in `rejected`' })
  @ApiBadRequestResponse(errorReply('`bad_request`: the body is not a CSV with a `name` column nor a JSON array, its content type is neither, the import would pass `batch.max_users`, or mode is not upsert/skip'))
  @ApiConsumes('application/json', 'text/csv')
  @ApiBody({
    description: 'A JSON array of users, or CSV text whose header row names the fields (`a.b` columns become nested fields)',
    schema: { oneOf: [{ type: 'array', items: { $ref: getSchemaPath(UserDto) } }, { type: 'string', description: 'CSV text' }] },
  })
  import(@Req() request: FastifyRequest, @Body() body: unknown, @Query('mode') mode?: string): Promise<ImportReport> {
    if (mode !== undefined && mode !== 'upsert' && mode !== 'skip') throw badRequest("mode must be 'upsert' or 'skip'");
    const type = String(request.headers['content-type'] ?? '').split(';')[0].trim();
    if (type === 'text/csv') return this.users.import({ csv: String(body ?? '') }, mode as 'upsert' | 'skip');
    if (type === 'application/json') return this.users.import({ json: body }, mode as 'upsert' | 'skip');
    throw badRequest(BatchMessages.importContentType(type));
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one user' })
  @ApiOkResponse({ type: BatchUserReply })
  @ApiNotFoundResponse(errorReply('`not_found`: no such user'))
  get(@Param('id') id: string): Promise<BatchUser> {
    return this.users.get(id);
  }

  @Post()
  @ApiOperation({ summary: 'Create a user (id made from the name when absent)' })
  @ApiCreatedResponse({ type: BatchUserReply })
  @ApiBadRequestResponse(errorReply('`bad_request`: not a valid user (the message says why), or `batch.max_users` reached'))
  @ApiConflictResponse(errorReply('`conflict`: a user with that id exists'))
  // Checked by the service against UserDto, as import rows are.
  create(@Body() body: UserDto): Promise<BatchUser> {
    return this.users.create(body);
  }

  @Put(':id')
  @ApiOperation({ summary: "Replace a user's fields" })
  @ApiOkResponse({ type: BatchUserReply })
  @ApiBadRequestResponse(errorReply("`bad_request`: not a valid user, or its id is not the path's"))
  @ApiNotFoundResponse(errorReply('`not_found`: no such user'))
  replace(@Param('id') id: string, @Body() body: UserDto): Promise<BatchUser> {
    return this.users.replace(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Header('content-type', 'application/json')
  @ApiOperation({ summary: 'Delete a user, and what is kept of them (their secrets), listed in the directory or not' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse(errorReply('`not_found`: no such user, and nothing kept of them'))
  delete(@Param('id') id: string): Promise<void> {
    return this.users.delete(id);
  }
}

function toInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw badRequest(`${name} must be a non-negative integer`);
  return number;
}
