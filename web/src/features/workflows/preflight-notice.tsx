import { CircleCheck, Info, TriangleAlert } from 'lucide-react';
import { Fragment } from 'react';
import { ErrorNotice } from '@/components/error-notice';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Spinner } from '@/components/ui/spinner';
import type { MissingFieldPolicy } from './missing-field-policy';
import type { PreflightState } from './use-preflight';
import { UserName } from '@/components/user-name';

const LISTED = 6;

/** Before running: do the selected users have every field the workflow's prompts use? */
export function PreflightNotice({ state, selected, policy }: { state: PreflightState; selected: number; policy: MissingFieldPolicy }) {
  if (selected === 0) {
    return (
      <p className="rounded-lg border border-dashed px-3 py-2.5 text-sm text-muted-foreground">
        Select users in the table below; their fields are checked against this workflow before it runs.
      </p>
    );
  }
  if (state.error !== undefined) return <ErrorNotice error={state.error} title="Could not check the selected users" />;
  const { preflight } = state;
  if (!preflight) {
    return (
      <p className="flex items-center gap-2 text-sm text-muted-foreground">
        <Spinner label="Checking the selected users" /> Checking the selected users…
      </p>
    );
  }
  if (preflight.ok) {
    return (
      <Alert variant="info" aria-label="Preflight">
        <CircleCheck aria-hidden className="!text-success-strong" />
        <AlertTitle className="font-normal">
          {selected === 1 ? 'The selected user has' : `All ${selected} selected users have`} every field this workflow uses.
        </AlertTitle>
      </Alert>
    );
  }
  const refuses = policy.kind === 'error';
  const lacking = preflight.missing.length;
  return (
    <Alert variant={refuses ? 'warning' : 'info'} aria-label="Preflight">
      {refuses ? <TriangleAlert aria-hidden /> : <Info aria-hidden />}
      <div className="min-w-0 flex-1">
        <AlertTitle>
          {lacking} of {selected} selected {selected === 1 ? 'user lacks' : 'users lack'} fields this workflow uses
        </AlertTitle>
        <AlertDescription>
          <p>
            {refuses
              ? 'The run will not start until their fields are filled in — or you choose to run anyway, leaving the placeholders empty.'
              : policy.kind === 'empty'
                ? 'Their placeholders will be left empty.'
                : `Their placeholders will read “${policy.fallback}”.`}
          </p>
          <ul className="mt-2 flex flex-col gap-1" aria-label="Users with missing fields">
            {preflight.missing.slice(0, LISTED).map((user) => (
              <li key={user.userId} className="flex flex-wrap items-center gap-1.5 text-foreground">
                <span className="font-medium"><UserName name={user.userName} /></span> <span className="text-muted-foreground">lacks</span>{' '}
                {user.fields.map((field) => (
                  <Fragment key={field}>
                    <Badge variant="warning" className="font-mono">
                      {field}
                    </Badge>{' '}
                  </Fragment>
                ))}
              </li>
            ))}
            {lacking > LISTED && <li className="text-muted-foreground">…and {lacking - LISTED} more</li>}
          </ul>
        </AlertDescription>
      </div>
    </Alert>
  );
}
