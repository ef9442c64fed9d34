import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { BatchMessages } from '../batch.messages';
import { badRequest } from '../batch-http.errors';
import { validationIssues } from '@userscope/runtime';
import { fieldErrors } from './field-issues';

const NOT_VALIDATED = new Set<unknown>([undefined, Object, String, Number, Boolean, Array]);

/**
 * Checks a request body against its DTO class's class-validator rules: a 400 `bad_request` whose
 * message names each wrong field, and `details` as `[{field, errors}]` (as for workflows). The body
 * passes on as sent; keys the DTO does not declare are left alone.
 */
@Injectable()
export class BodyValidationPipe implements PipeTransform {
  transform(value: unknown, { type, metatype }: ArgumentMetadata): unknown {
    if (type !== 'body' || NOT_VALIDATED.has(metatype)) return value;
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw badRequest(BatchMessages.bodyNotObject());
    // One message a field is enough to fix it.
    const issues = validationIssues(validateSync(plainToInstance(metatype!, value) as object, { stopAtFirstError: true, forbidUnknownValues: true }));
    if (issues.length > 0) throw badRequest(BatchMessages.invalidBody(issues.map((issue) => `${issue.path} ${issue.message}`)), fieldErrors(issues));
    return value;
  }
}
