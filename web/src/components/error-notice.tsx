import { CircleAlert, KeyRound } from 'lucide-react';
import { createContext, useContext } from 'react';
import { ApiError } from '@/lib/api';
import { Button } from './ui/button';
import { Alert, AlertDescription, AlertTitle } from './ui/alert';

/** Opens the settings dialog (the admin token), from anywhere on the page. */
export const OpenSettingsContext = createContext<() => void>(() => {});

/** What went wrong with a request, and for 401/403 a way to set the admin token. */
export function ErrorNotice({ error, title = 'Could not load', onRetry }: { error: unknown; title?: string; onRetry?: () => void }) {
  const openSettings = useContext(OpenSettingsContext);
  const apiError = error instanceof ApiError ? error : undefined;
  const needsToken = apiError?.needsAdminToken ?? false;
  return (
    <Alert variant="destructive">
      <CircleAlert aria-hidden />
      <div className="min-w-0 flex-1">
        <AlertTitle>{needsToken ? 'This server needs an admin token' : title}</AlertTitle>
        <AlertDescription className="text-destructive/90">
          <p>{error instanceof Error ? error.message : String(error)}</p>
          <div className="mt-2 flex flex-wrap gap-2">
            {needsToken && (
              <Button size="sm" variant="outline" onClick={openSettings}>
                <KeyRound aria-hidden /> Set admin token
              </Button>
            )}
            {onRetry && (
              <Button size="sm" variant="outline" onClick={onRetry}>
                Try again
              </Button>
            )}
          </div>
        </AlertDescription>
      </div>
    </Alert>
  );
}
