import { HttpStatus } from '@nestjs/common';
import { UserscopeConfig, UserscopeHttpError } from '@userscope/runtime';
import { AdminMessages } from '../admin/admin.messages';

/** The `/monitor/users` routes answer 404 unless `general.enable_per_user_monitoring` is on. */
export function assertMonitoringEnabled(config: UserscopeConfig): void {
  if (!config.general.enable_per_user_monitoring) {
    throw new UserscopeHttpError(HttpStatus.NOT_FOUND, { code: 'not_found', message: AdminMessages.monitoringDisabled() });
  }
}
