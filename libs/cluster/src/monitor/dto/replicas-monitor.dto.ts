import { ApiProperty } from '@nestjs/swagger';

/** `live`: heartbeating; `stale`: its entry is there but its heartbeats stopped (paused, or cut off from Redis); `gone`: its entry expired without it leaving. */
export const REPLICA_STATUSES = ['live', 'stale', 'gone'] as const;
export type ReplicaStatus = (typeof REPLICA_STATUSES)[number];

export class ReplicaMonitorEntry {
  @ApiProperty({ example: 'r1' }) id!: string;
  @ApiProperty({ enum: REPLICA_STATUSES, description: 'stale: no heartbeat for two intervals (2/3 of lease_ttl); gone: its entry expired without it leaving' })
  status!: ReplicaStatus;
  @ApiProperty({ description: 'Whether it is the replica that answered this request' }) self!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'The userscope version it runs (null once gone)' }) version!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Where other replicas reach it (empty while it starts; null once gone)' }) address!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Its live sessions at its last heartbeat (null once gone)' }) users!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'ISO 8601 (null once gone)' }) started_at!: string | null;
  @ApiProperty({ description: 'ISO 8601, by its clock' }) heartbeat_at!: string;
  @ApiProperty({ description: 'How long ago its last heartbeat was, by the clock of the replica that answered' }) heartbeat_age_ms!: number;
}

/** The body of `GET /monitor/replicas`. */
export class ReplicasMonitorReply {
  @ApiProperty({ description: 'ISO 8601' }) timestamp!: string;
  @ApiProperty({ description: 'The replica that answered' }) replica!: string;
  @ApiProperty({ description: 'Every replica heartbeats this often (lease_ttl / 3)' }) heartbeat_interval_ms!: number;
  @ApiProperty({ type: [ReplicaMonitorEntry] }) replicas!: ReplicaMonitorEntry[];
}
