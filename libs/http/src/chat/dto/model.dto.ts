import { ApiProperty } from '@nestjs/swagger';

/** A model as OpenAI's `/v1/models` describes it. */
export class ModelObject {
  @ApiProperty({ description: 'The name to send as `model`; every chat reply names it' }) id: string;
  @ApiProperty({ enum: ['model'] }) object: 'model';
  @ApiProperty({ description: 'Unix time, seconds: when the server started' }) created: number;
  @ApiProperty() owned_by: string;
}

/** What `GET /v1/models` lists: the workflow, as the one model a client can choose. */
export class ModelList {
  @ApiProperty({ enum: ['list'] }) object: 'list';
  @ApiProperty({ type: [ModelObject] }) data: ModelObject[];
}
