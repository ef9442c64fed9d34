import { ApiProperty } from '@nestjs/swagger';
import { ArrayNotEmpty, IsArray, IsString } from 'class-validator';
import { SharedFunction } from '../decorators/function-type.decorator';
import { InjectFunctionConfig } from '../decorators/inject-function-config.decorator';
import { FunctionRef } from '../decorators/function-ref.decorator';
import { SharedFunctions } from '../functions/functions.accessor';
import { UserscopeFunction } from '../interfaces/userscope-function.interface';

export class SequentialExecutorConfig {
  @ApiProperty({ description: 'Functions to run in order; each output is the next one\'s input', type: [String] })
  @IsArray()
  @ArrayNotEmpty()
  @IsString({ each: true })
  @FunctionRef()
  tool_list: string[];
}

/**
 * NAT's `sequential_executor`: runs the listed functions in order, each output the next one's input.
 * It is shared, so it may only list shared functions; a per-user one stops startup.
 */
@SharedFunction({
  name: 'sequential_executor',
  description: 'Runs the functions of tool_list in order, each output the next one\'s input.',
  config: SequentialExecutorConfig,
  input: Object,
  output: Object,
})
export class SequentialExecutorFunction implements UserscopeFunction<unknown, unknown> {
  constructor(
    @InjectFunctionConfig() private readonly config: SequentialExecutorConfig,
    private readonly functions: SharedFunctions,
  ) {}

  async invoke(input: unknown): Promise<unknown> {
    let value = input;
    for (const name of this.config.tool_list) value = await this.functions.get(name).invoke(value as never);
    return value;
  }
}
