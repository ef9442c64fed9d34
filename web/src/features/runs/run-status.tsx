import { Ban, CircleCheck, CircleDashed, CircleX, Clock, LoaderCircle, type LucideIcon } from 'lucide-react';
import { Badge, type BadgeProps } from '@/components/ui/badge';
import type { ExecutionStatus, RunStatus } from '@/lib/api';
import { cn } from '@/lib/cn';

interface StatusLook {
  label: string;
  icon: LucideIcon;
  variant: NonNullable<BadgeProps['variant']>;
  spin?: boolean;
}

export const EXECUTION_STATUS: Record<ExecutionStatus, StatusLook> = {
  pending: { label: 'Pending', icon: CircleDashed, variant: 'muted' },
  running: { label: 'Running', icon: LoaderCircle, variant: 'info', spin: true },
  succeeded: { label: 'Succeeded', icon: CircleCheck, variant: 'success' },
  failed: { label: 'Failed', icon: CircleX, variant: 'destructive' },
  cancelled: { label: 'Cancelled', icon: Ban, variant: 'muted' },
};

export const RUN_STATUS: Record<RunStatus, StatusLook> = {
  queued: { label: 'Queued', icon: Clock, variant: 'muted' },
  running: { label: 'Running', icon: LoaderCircle, variant: 'info', spin: true },
  completed: { label: 'Completed', icon: CircleCheck, variant: 'success' },
  failed: { label: 'Failed', icon: CircleX, variant: 'destructive' },
  cancelled: { label: 'Cancelled', icon: Ban, variant: 'muted' },
};

export function RunStatusBadge({ status, className }: { status: RunStatus; className?: string }) {
  const look = RUN_STATUS[status] ?? RUN_STATUS.queued;
  const Icon = look.icon;
  return (
    <Badge variant={look.variant} className={className}>
      <Icon className={cn(look.spin && 'animate-spin')} aria-hidden />
      {look.label}
    </Badge>
  );
}

export function ExecutionStatusIcon({ status, className }: { status: ExecutionStatus; className?: string }) {
  const look = EXECUTION_STATUS[status] ?? EXECUTION_STATUS.pending;
  const Icon = look.icon;
  return <Icon className={cn('size-3.5 shrink-0', look.spin && 'animate-spin', className)} aria-hidden />;
}

/** Finished: nothing of the run will change any more (unless its failures are retried). */
export function isFinished(status: RunStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}
