import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Inject, Param, Put, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AdminRoute, ERROR_SCHEMA_REF, IdentityResolver, identityConfigOf } from '@userscope/http';
import { USERSCOPE_CONFIG, UserscopeConfig, UserscopeHttpError } from '@userscope/runtime';
import { McpMessages } from '../mcp.messages';
import { SecretListing, UserSecrets } from '../secrets/user-secrets.service';
import { checkSecretName, checkUserId, secretValueOf } from './secret-input';
import { SecretValueDto } from './dto/secret-value.dto';
import { SecretListingReply, SecretsDeletedReply } from './dto/secret-listing.reply';

const errorReply = (description: string) => ({ description, schema: ERROR_SCHEMA_REF });
const BAD_SECRET = errorReply('`bad_request`: the name is not a secret name, the user id is malformed, or the body is not `{"value": "<secret>"}`');
const NO_SECRET = errorReply('`not_found`: the user has no secret of that name');
const STORE_DOWN = errorReply('`secret_store_unavailable`: the secret store (Redis) is down; `secrets_key_unset`: USERSCOPE_SECRETS_KEY is not set');

/** A user's secrets, by an operator: set, list (names and times only), delete. */
@ApiTags('secrets')
@AdminRoute()
@ApiBadRequestResponse(BAD_SECRET)
@ApiServiceUnavailableResponse(STORE_DOWN)
@Controller('api/users/:id/secrets')
export class UserSecretsController {
  constructor(private readonly secrets: UserSecrets) {}

  @Get()
  @ApiOperation({ summary: "List a user's secrets: names and update times, never values (admin)" })
  @ApiOkResponse({ type: [SecretListingReply] })
  list(@Param('id') userId: string): Promise<SecretListing[]> {
    checkUserId(userId);
    return this.secrets.list(userId);
  }

  @Put(':name')
  @ApiOperation({ summary: "Set a user's secret, stored encrypted (admin)" })
  @ApiOkResponse({ type: SecretListingReply, description: 'Set: its name and time, not its value' })
  set(@Param('id') userId: string, @Param('name') name: string, @Body() body: SecretValueDto): Promise<SecretListing> {
    checkUserId(userId);
    checkSecretName(name);
    return this.secrets.set(userId, name, secretValueOf(body, this.secrets.limits.max_value_length));
  }

  @Delete(':name')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: "Delete a user's secret (admin)" })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse(NO_SECRET)
  async delete(@Param('id') userId: string, @Param('name') name: string): Promise<void> {
    checkUserId(userId);
    checkSecretName(name);
    if (!(await this.secrets.delete(userId, name))) throw notFound(userId, name);
  }

  @Delete()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Delete every secret of a user (admin)' })
  @ApiOkResponse({ type: SecretsDeletedReply })
  async deleteAll(@Param('id') userId: string): Promise<SecretsDeletedReply> {
    checkUserId(userId);
    return { deleted: await this.secrets.deleteAll(userId) };
  }
}

/** The caller's own secrets, in identity modes that verify the caller. */
@ApiTags('secrets')
@ApiBadRequestResponse(BAD_SECRET)
@ApiForbiddenResponse(errorReply('`identity_not_verified`: the identity mode does not verify the caller (plain cookie); an admin sets secrets instead'))
@ApiServiceUnavailableResponse(STORE_DOWN)
@Controller('me/secrets')
export class MySecretsController {
  constructor(
    private readonly secrets: UserSecrets,
    private readonly identity: IdentityResolver,
    @Inject(USERSCOPE_CONFIG) private readonly config: UserscopeConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List your secrets: names and update times, never values' })
  @ApiOkResponse({ type: [SecretListingReply] })
  list(@Req() request: FastifyRequest): Promise<SecretListing[]> {
    return this.secrets.list(this.caller(request));
  }

  @Put(':name')
  @ApiOperation({ summary: 'Set one of your secrets, stored encrypted' })
  @ApiOkResponse({ type: SecretListingReply, description: 'Set: its name and time, not its value' })
  set(@Req() request: FastifyRequest, @Param('name') name: string, @Body() body: SecretValueDto): Promise<SecretListing> {
    const userId = this.caller(request);
    checkSecretName(name);
    return this.secrets.set(userId, name, secretValueOf(body, this.secrets.limits.max_value_length));
  }

  @Delete(':name')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete one of your secrets' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse(NO_SECRET)
  async delete(@Req() request: FastifyRequest, @Param('name') name: string): Promise<void> {
    const userId = this.caller(request);
    checkSecretName(name);
    if (!(await this.secrets.delete(userId, name))) throw notFound(userId, name);
  }

  /** The verified caller: a mode that cannot verify (plain cookie) is refused, as anyone could name anyone. */
  private caller(request: FastifyRequest): string {
    if (!this.identity.security.verified) {
      throw new UserscopeHttpError(HttpStatus.FORBIDDEN, { code: 'identity_not_verified', message: McpMessages.meNeedsVerifiedIdentity(identityConfigOf(this.config).mode) });
    }
    const userId = this.identity.resolve(request);
    if (userId === undefined) throw this.identity.missingIdentity();
    return userId;
  }
}

function notFound(userId: string, name: string): UserscopeHttpError {
  return new UserscopeHttpError(HttpStatus.NOT_FOUND, { code: 'not_found', message: McpMessages.noSuchSecret(userId, name) });
}
