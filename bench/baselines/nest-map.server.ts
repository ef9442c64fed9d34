import 'reflect-metadata';
import { Body, Controller, Headers, HttpCode, Module, Post, UnauthorizedException, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AssistantInput, AssistantOutput } from '@userscope/examples';
import type { AddressInfo } from 'node:net';
import { serveInChild } from '../harness/child-server';
import { readExampleConfig } from './example-config';
import { MISSING_SESSION, sessionUser } from './session-cookie';
import { UserAssistants } from './user-assistants';

/**
 * Baseline (b): what a Nest team writes without Userscope. One singleton controller keeps per-user
 * state in a Map; the body is the example's class-validator DTO checked by Nest's ValidationPipe.
 */
@Controller()
class GenerateController {
  private readonly assistants = new UserAssistants(readExampleConfig());

  @Post('generate')
  @HttpCode(200)
  generate(@Headers('cookie') cookie: string | undefined, @Body() body: AssistantInput): Promise<AssistantOutput> {
    const user = sessionUser(cookie);
    if (!user) throw new UnauthorizedException(MISSING_SESSION);
    return this.assistants.for(user).invoke(body);
  }
}

@Module({ controllers: [GenerateController] })
class NestBaselineModule {}

serveInChild(async () => {
  const app = await NestFactory.create<NestFastifyApplication>(NestBaselineModule, new FastifyAdapter(), { logger: false });
  // transform: the handler gets an AssistantInput with the DTO's defaults, as Userscope's functions do.
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  await app.listen(0, '127.0.0.1');
  return { port: (app.getHttpServer().address() as AddressInfo).port, close: () => app.close() };
});
