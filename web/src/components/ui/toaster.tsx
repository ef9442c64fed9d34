import { CircleAlert, CircleCheck, X } from 'lucide-react';
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { cn } from '@/lib/cn';

export interface ToastOptions {
  title: string;
  description?: string;
  variant?: 'default' | 'success' | 'error';
}

interface ToastItem extends ToastOptions {
  id: number;
}

const ToastContext = createContext<(toast: ToastOptions) => void>(() => {});

/** Short notices ("Copied") in a polite live region; errors stay until dismissed or for 8 s. */
export function Toaster({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<ToastItem[]>([]);
  const nextId = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((toast) => toast.id !== id)), []);
  const show = useCallback(
    (toast: ToastOptions) => {
      const id = nextId.current++;
      setToasts((all) => [...all.slice(-3), { ...toast, id }]);
      setTimeout(() => dismiss(id), toast.variant === 'error' ? 8000 : 3500);
    },
    [dismiss],
  );
  return (
    <ToastContext.Provider value={show}>
      {children}
      {/* Top centre: dialogs keep their buttons in the bottom right corner (Copy, Close), and toasts must not cover them. */}
      <div
        data-toaster
        onPointerDownCapture={(event) => pressedInToaster.add(event.target)}
        aria-live="polite"
        aria-label="Notifications"
        className="pointer-events-none fixed left-1/2 top-3 z-[60] flex w-[min(24rem,calc(100vw-2rem))] -translate-x-1/2 flex-col gap-2"
      >
        {toasts.map((toast) => (
          <div
            key={toast.id}
            role={toast.variant === 'error' ? 'alert' : 'status'}
            className={cn(
              'pointer-events-auto flex items-start gap-3 rounded-lg border bg-popover p-3 text-sm shadow-lg animate-fade-in',
              toast.variant === 'error' && 'border-destructive/40',
            )}
          >
            {toast.variant === 'error' ? (
              <CircleAlert className="mt-0.5 size-4 shrink-0 text-destructive" aria-hidden />
            ) : (
              <CircleCheck className="mt-0.5 size-4 shrink-0 text-success" aria-hidden />
            )}
            <div className="min-w-0 flex-1">
              <p className="font-medium">{toast.title}</p>
              {toast.description && <p className="mt-0.5 break-words text-muted-foreground">{toast.description}</p>}
            </div>
            <button
              type="button"
              onClick={() => dismiss(toast.id)}
              aria-label="Dismiss notification"
              className="rounded p-0.5 text-muted-foreground hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
            >
              <X className="size-3.5" />
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

/** What was pressed in the toasts: dismissing a toast removes it before a dialog asks where the press was. */
const pressedInToaster = new WeakSet<EventTarget>();

/** Whether a pointer event's target is in the toasts: dialogs do not take a click on a toast for a click outside them. */
export function isInToaster(target: EventTarget | null): boolean {
  if (!target) return false;
  return pressedInToaster.has(target) || (target instanceof Element && target.closest('[data-toaster]') !== null);
}

export function useToast(): (toast: ToastOptions) => void {
  return useContext(ToastContext);
}

/** The toast for a failed action: the server's message when it gave one. */
export function useErrorToast(): (title: string, error: unknown) => void {
  const toast = useToast();
  return useMemo(
    () => (title: string, error: unknown) => toast({ title, description: error instanceof Error ? error.message : String(error), variant: 'error' }),
    [toast],
  );
}
