import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from '../admin/admin.guard';
import { MetricsRegistry } from './metrics.registry';

@ApiTags('monitor')
@ApiBearerAuth()
@Controller('metrics')
@UseGuards(AdminGuard)
export class MetricsController {
  constructor(private readonly metrics: MetricsRegistry) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics: sessions, request latency, cleanup errors (admin)' })
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
