import { Toaster } from '@/components/ui/toaster';

/** The page's shell; the users, workflows, runs and results come next. */
export function App() {
  return (
    <Toaster>
      <div className="flex h-dvh flex-col">
        <header className="flex h-14 shrink-0 items-center gap-2 border-b bg-background px-4">
          <span className="flex size-8 items-center justify-center rounded-lg bg-primary text-sm font-bold text-primary-foreground" aria-hidden>
            U
          </span>
          <span className="text-sm font-semibold">Userscope</span>
        </header>
        <main className="flex-1 p-4 text-sm text-muted-foreground">Multi-user workflow execution</main>
      </div>
    </Toaster>
  );
}
