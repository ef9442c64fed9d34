import { ApiProperty } from '@nestjs/swagger';

/** One model of `GET /v1/models`, as OpenAI lists them. */
export class ModelEntry {
  @ApiProperty({ description: 'The name to send as `model`', example: 'per_user_chat_agent' })
  id!: string;

  @ApiProperty({ enum: ['model'] })
  object!: 'model';

  @ApiProperty({ description: 'When the server started (Unix seconds)', example: 1767225600 })
  created!: number;

  @ApiProperty({ example: 'userscope' })
  owned_by!: string;
}

/** `GET /v1/models`: the chat workflow, as the one model a client can choose. */
export class ModelListReply {
  @ApiProperty({ enum: ['list'] })
  object!: 'list';

  @ApiProperty({ type: [ModelEntry] })
  data!: ModelEntry[];
}
