import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { context, propagation } from '@opentelemetry/api';
import { Observable } from 'rxjs';

/**
 * Honours a caller's W3C `traceparent` (and `tracestate`): the route's handler runs in the caller's
 * trace context, so the request's `invoke_agent` span is a child of the caller's span. Registered only
 * when tracing is configured.
 */
@Injectable()
export class TraceContextInterceptor implements NestInterceptor {
  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (execution.getType() !== 'http') return next.handle();
    const headers = execution.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers;
    if (headers.traceparent === undefined) return next.handle();
    const callers = propagation.extract(context.active(), headers);
    // Subscribing calls the handler: done inside the caller's context, every await after it keeps it.
    return new Observable((subscriber) => context.with(callers, () => next.handle().subscribe(subscriber)));
  }
}
