import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AdminRoute } from '../admin/admin-route.decorator';
import { MetricsRegistry } from './metrics.registry';

@ApiTags('monitor')
@AdminRoute()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsRegistry) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics: sessions, request latency, cleanup errors (admin)' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: "Prometheus' text exposition format", content: { 'text/plain': { schema: { type: 'string' } } } })
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
