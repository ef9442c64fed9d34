import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

@ApiTags('health')
@Controller()
export class HealthController {
  @Get('health')
  @ApiOperation({ summary: 'Tells that the server is up' })
  @ApiOkResponse({
    description: 'The server is up',
    schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', example: 'healthy' } } },
  })
  health(): { status: string } {
    return { status: 'healthy' };
  }
}
