import { Injectable } from '@nestjs/common';
import { ReadinessCheck } from './readiness-check.interface';

/** The readiness checks other modules register (at `onModuleInit`), by name; `GET /health/ready` runs them. */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(check: ReadinessCheck): void {
    this.checks.set(check.name, check);
  }

  list(): ReadinessCheck[] {
    return [...this.checks.values()];
  }
}
