import { Activity, BookOpen, LayoutPanelTop, Moon, Settings, Sun } from 'lucide-react';
import { useEffect, useState } from 'react';
import { OpenSettingsContext } from '@/components/error-notice';
import { Button } from '@/components/ui/button';
import { Toaster } from '@/components/ui/toaster';
import { onAdminTokenChange } from '@/lib/admin-token';
import { cn } from '@/lib/cn';
import { useTheme } from '@/lib/theme';
import { MonitorPage } from './features/monitor/monitor-page';
import { SettingsDialog } from './features/settings/settings-dialog';
import { Workspace } from './features/workspace';

type Page = 'workspace' | 'monitor';

/** Which page the location's hash names (`#/monitor`); hash routes need nothing of the server. */
export function pageOf(hash: string): Page {
  return hash.replace(/^#\/?/, '') === 'monitor' ? 'monitor' : 'workspace';
}

export function App() {
  const [page, setPage] = useState<Page>(() => pageOf(window.location.hash));
  const [settingsOpen, setSettingsOpen] = useState(false);
  // A new token means every panel should ask again: remount them.
  const [tokenVersion, setTokenVersion] = useState(0);

  useEffect(() => {
    const onHashChange = () => setPage(pageOf(window.location.hash));
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);
  useEffect(() => onAdminTokenChange(() => setTokenVersion((value) => value + 1)), []);
  useEffect(() => {
    document.title = page === 'monitor' ? 'Monitor · Userscope' : 'Userscope · Multi-user workflow execution';
  }, [page]);

  return (
    <Toaster>
      <OpenSettingsContext.Provider value={() => setSettingsOpen(true)}>
        <div className="flex h-dvh flex-col">
          <a
            href="#main-content"
            className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-background focus:px-3 focus:py-2 focus:shadow"
          >
            Skip to content
          </a>
          <header className="flex h-14 shrink-0 items-center gap-3 border-b bg-background px-3 sm:px-4">
            <a href="#/" className="flex items-center gap-2 rounded focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring">
              <span className="flex size-8 items-center justify-center rounded-lg bg-primary text-sm font-bold text-primary-foreground" aria-hidden>
                U
              </span>
              <span className="hidden flex-col leading-tight sm:flex">
                <span className="text-sm font-semibold">Userscope</span>
                <span className="text-xs text-muted-foreground">Multi-user workflow execution</span>
              </span>
            </a>
            <nav aria-label="Pages" className="ml-2 flex items-center gap-1">
              {/* Icons alone on a phone, where the header also holds the theme toggle; the names stay for screen readers. */}
              <NavLink href="#/" current={page === 'workspace'}>
                <LayoutPanelTop aria-hidden /> <span className="max-[419px]:sr-only">Workspace</span>
              </NavLink>
              <NavLink href="#/monitor" current={page === 'monitor'}>
                <Activity aria-hidden /> <span className="max-[419px]:sr-only">Monitor</span>
              </NavLink>
            </nav>
            <div className="ml-auto flex items-center gap-1">
              <Button variant="ghost" size="sm" asChild>
                <a href="/docs" target="_blank" rel="noreferrer" aria-label="API docs (opens in a new tab)">
                  <BookOpen aria-hidden /> <span className="hidden md:inline">API docs</span>
                </a>
              </Button>
              <ThemeToggle />
              <Button variant="ghost" size="icon" aria-label="Settings" onClick={() => setSettingsOpen(true)}>
                <Settings aria-hidden />
              </Button>
            </div>
          </header>
          <div id="main-content" className="flex min-h-0 flex-1 flex-col" key={tokenVersion}>
            <div className={cn('min-h-0 flex-1 flex-col', page === 'workspace' ? 'flex' : 'hidden')}>
              <Workspace />
            </div>
            {page === 'monitor' && (
              <main className="min-h-0 flex-1 overflow-y-auto">
                <MonitorPage />
              </main>
            )}
          </div>
        </div>
        <SettingsDialog open={settingsOpen} onOpenChange={setSettingsOpen} />
      </OpenSettingsContext.Provider>
    </Toaster>
  );
}

/** Light or dark at a click (kept in this browser); Settings can return to following the OS. */
function ThemeToggle() {
  const { theme, setChoice } = useTheme();
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <Button variant="ghost" size="icon" aria-label={`Switch to ${next} mode`} title={`Switch to ${next} mode`} onClick={() => setChoice(next)}>
      {theme === 'dark' ? <Sun aria-hidden /> : <Moon aria-hidden />}
    </Button>
  );
}

function NavLink({ href, current, children }: { href: string; current: boolean; children: React.ReactNode }) {
  return (
    <a
      href={href}
      aria-current={current ? 'page' : undefined}
      className={cn(
        'inline-flex items-center gap-1.5 rounded-md px-2.5 py-1.5 text-sm font-medium transition-colors [&_svg]:size-4',
        'focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring',
        current ? 'bg-muted text-foreground' : 'text-muted-foreground hover:bg-muted/60 hover:text-foreground',
      )}
    >
      {children}
    </a>
  );
}
