import { Module } from '@nestjs/common';
import { UserscopePlugin } from '../decorators/userscope-plugin.decorator';
import { SequentialExecutorFunction } from './sequential-executor.function';

/** Function types every Userscope server has. */
@UserscopePlugin({ functions: [SequentialExecutorFunction] })
@Module({})
export class UserscopeBuiltinsModule {}
