import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Put, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AdminGuard, IdentityResolver } from '@userscope/http';
import { identityConfigOf } from '@userscope/http';
import { Inject } from '@nestjs/common';
import { USERSCOPE_CONFIG, UserscopeConfig, UserscopeHttpError } from '@userscope/runtime';
import { McpMessages } from '../mcp.messages';
import { SecretListing, UserSecrets } from '../secrets/user-secrets.service';
import { checkSecretName, checkUserId, secretValueOf } from './secret-input';
import { SecretValueDto } from './secret-value.dto';

/** A user's secrets, by an operator: set, list (names and times only), delete. */
@ApiTags('secrets')
@ApiBearerAuth()
@Controller('api/users/:id/secrets')
@UseGuards(AdminGuard)
export class UserSecretsController {
  constructor(private readonly secrets: UserSecrets) {}

  @Get()
  @ApiOperation({ summary: "List a user's secrets: names and update times, never values (admin)" })
  list(@Param('id') userId: string): Promise<SecretListing[]> {
    checkUserId(userId);
    return this.secrets.list(userId);
  }

  @Put(':name')
  @ApiOperation({ summary: "Set a user's secret, stored encrypted (admin)" })
  set(@Param('id') userId: string, @Param('name') name: string, @Body() body: SecretValueDto): Promise<SecretListing> {
    checkUserId(userId);
    checkSecretName(name);
    return this.secrets.set(userId, name, secretValueOf(body));
  }

  @Delete(':name')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: "Delete a user's secret (admin)" })
  async delete(@Param('id') userId: string, @Param('name') name: string): Promise<void> {
    checkUserId(userId);
    checkSecretName(name);
    if (!(await this.secrets.delete(userId, name))) throw notFound(userId, name);
  }

  @Delete()
  @ApiOperation({ summary: "Delete every secret of a user (admin)" })
  async deleteAll(@Param('id') userId: string): Promise<{ deleted: number }> {
    checkUserId(userId);
    return { deleted: await this.secrets.deleteAll(userId) };
  }
}

/** The caller's own secrets, in identity modes that verify the caller. */
@ApiTags('secrets')
@Controller('me/secrets')
export class MySecretsController {
  constructor(
    private readonly secrets: UserSecrets,
    private readonly identity: IdentityResolver,
    @Inject(USERSCOPE_CONFIG) private readonly config: UserscopeConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List your secrets: names and update times, never values' })
  list(@Req() request: FastifyRequest): Promise<SecretListing[]> {
    return this.secrets.list(this.caller(request));
  }

  @Put(':name')
  @ApiOperation({ summary: 'Set one of your secrets, stored encrypted' })
  set(@Req() request: FastifyRequest, @Param('name') name: string, @Body() body: SecretValueDto): Promise<SecretListing> {
    const userId = this.caller(request);
    checkSecretName(name);
    return this.secrets.set(userId, name, secretValueOf(body));
  }

  @Delete(':name')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete one of your secrets' })
  async delete(@Req() request: FastifyRequest, @Param('name') name: string): Promise<void> {
    const userId = this.caller(request);
    checkSecretName(name);
    if (!(await this.secrets.delete(userId, name))) throw notFound(userId, name);
  }

  /** The verified caller: a mode that cannot verify (plain cookie, header) is refused, as anyone could name anyone. */
  private caller(request: FastifyRequest): string {
    if (!this.identity.security.verified) {
      throw new UserscopeHttpError(HttpStatus.FORBIDDEN, { code: 'identity_unverified', message: McpMessages.meNeedsVerifiedIdentity(identityConfigOf(this.config).mode) });
    }
    const userId = this.identity.resolve(request);
    if (userId === undefined) throw this.identity.missingIdentity();
    return userId;
  }
}

function notFound(userId: string, name: string): UserscopeHttpError {
  return new UserscopeHttpError(HttpStatus.NOT_FOUND, { code: 'not_found', message: McpMessages.noSuchSecret(userId, name) });
}
