import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { AdminRoute } from '@userscope/http';
import { ReplicaDirectory } from '../directory/replica.directory';
import { DirectoryUnavailableError } from '../exceptions/directory-unavailable.exception';
import { ReplicaIdentity } from '../replica/replica.identity';
import { ReplicasMonitorReply } from './dto/replicas-monitor.dto';
import { replicaMonitorEntries } from './replicas.view';

/** The replica directory, for operators (cluster mode). */
@ApiTags('monitor')
@AdminRoute()
@Controller('monitor/replicas')
export class ReplicasMonitorController {
  constructor(
    private readonly identity: ReplicaIdentity,
    private readonly directory: ReplicaDirectory,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The replicas of the cluster: heartbeats, user counts, versions; stale and lately gone ones marked (admin)' })
  @ApiOkResponse({ type: ReplicasMonitorReply })
  @ApiServiceUnavailableResponse({ description: '`cluster_directory_unavailable`: the cluster\'s Redis does not answer' })
  async replicas(): Promise<ReplicasMonitorReply> {
    const listing = await this.directory.list().catch((error: Error) => {
      throw new DirectoryUnavailableError(error);
    });
    return {
      timestamp: new Date().toISOString(),
      replica: this.identity.id,
      heartbeat_interval_ms: this.directory.heartbeatIntervalMs,
      replicas: replicaMonitorEntries(listing, this.identity.id, this.directory.heartbeatIntervalMs),
    };
  }
}
