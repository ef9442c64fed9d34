import { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { finalize, from, Observable, switchMap, tap } from 'rxjs';
import { finishAdmission, whenAdmitted } from './request-admission';

/**
 * Runs a request-scoped controller's handler inside its user's slot: it waits for the slot (the
 * per-user limits answer 429 or 503 before the handler runs) and gives it back when the handler is
 * done, even when its client left first. Stateless: the request carries its admission.
 */
export class SessionAdmissionInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<object>();
    const admitted = context.getType() === 'http' ? whenAdmitted(request) : undefined;
    if (!admitted) return next.handle();
    let failed = false;
    return from(admitted).pipe(
      switchMap(() => next.handle()),
      tap({ error: () => (failed = true) }),
      finalize(() => finishAdmission(request, failed)),
    );
  }
}
