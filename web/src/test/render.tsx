import { render, type RenderOptions } from '@testing-library/react';
import type { ReactElement } from 'react';
import { Toaster } from '@/components/ui/toaster';

/** Renders `ui` inside the page's providers (toasts). */
export function renderWithProviders(ui: ReactElement, options?: RenderOptions) {
  return render(<Toaster>{ui}</Toaster>, options);
}
