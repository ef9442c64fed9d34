import { Dialog as DialogPrimitive } from 'radix-ui';
import { X } from 'lucide-react';
import type { ComponentProps } from 'react';
import { cn } from '@/lib/cn';
import { isInToaster } from './toaster';

export const Sheet = DialogPrimitive.Root;
export const SheetTitle = DialogPrimitive.Title;

/** A modal panel rising from the bottom edge (phones): focus kept inside, Escape or the backdrop closes it. */
export function SheetContent({ className, children, ...props }: ComponentProps<typeof DialogPrimitive.Content>) {
  return (
    <DialogPrimitive.Portal>
      <DialogPrimitive.Overlay className="fixed inset-0 z-50 bg-black/50 data-[state=open]:animate-fade-in" />
      <DialogPrimitive.Content
        data-slot="sheet-content"
        className={cn(
          'fixed inset-x-0 bottom-0 z-50 flex max-h-[85dvh] flex-col rounded-t-xl border-t bg-background shadow-xl outline-none',
          'data-[state=open]:animate-sheet-in',
          className,
        )}
        {...props}
        onInteractOutside={(event) => {
          // A click on a toast (or the focus it takes) is not leaving the dialog: it stays open.
          if (isInToaster(event.target)) event.preventDefault();
          props.onInteractOutside?.(event);
        }}
      >
        {children}
        <DialogPrimitive.Close
          className="absolute right-2 top-2 rounded-md p-1.5 text-muted-foreground transition hover:bg-accent hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
          aria-label="Close"
        >
          <X className="size-4" />
        </DialogPrimitive.Close>
      </DialogPrimitive.Content>
    </DialogPrimitive.Portal>
  );
}
